// Call defaults and the step context's config and usage: what must not compile. Each marker guards exactly one error.
import { pipeline } from "../../src/index.js";

// @ts-expect-error says `'maxTokens' does not exist in type 'CallDefaults'`
pipeline("p", { defaults: { call: { maxTokens: 10 } } });

pipeline("p")
  // @ts-expect-error a call default's retries is a number
  .step("a", { call: { retries: "2" } }, () => 1)
  // @ts-expect-error says `'retry' does not exist in type 'CallDefaults'`
  .step("b", { call: { retry: 2 } }, () => 1)
  .configure({
    // @ts-expect-error a call default's timeout is a duration
    defaults: { call: { timeout: true } },
  });

const q = pipeline("q").step("a", (ctx) => {
  // @ts-expect-error ctx.config is read-only
  ctx.config.retries = 3;
  // @ts-expect-error its call defaults too
  ctx.config.call.retries = 3;
  // @ts-expect-error ctx.usage is read-only
  ctx.usage.calls = 0;
  // @ts-expect-error and cannot be replaced
  ctx.usage = ctx.usage;
  return 1;
});

// @ts-expect-error says `'retires' does not exist in type 'CallDefaults'`
void q.run(undefined, { defaults: { call: { retires: 1 } } });
// @ts-expect-error run steps' call defaults are checked too
void q.run(undefined, { steps: { a: { call: { retryDelay: [] } } } });
