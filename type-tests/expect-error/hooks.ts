// Dispatch hooks: what must not compile. Each marker guards exactly one error.
import { agent, CallSkippedError, pipeline, type CallHooks } from "../../src/index.js";

const hooks: CallHooks = {
  // @ts-expect-error says `Property 'tokens' does not exist on type 'CallRequest'`
  beforeCall: (request) => void request.tokens,
  afterCall: (outcome) => {
    // @ts-expect-error usage is only on a successful outcome: narrow on ok first
    void outcome.usage;
  },
};

// @ts-expect-error says `'beforeRequest' does not exist in type`
pipeline("p", { hooks: { beforeRequest: () => undefined } });
// @ts-expect-error a hook is a function
agent({ model: "gpt-4o-mini", hooks: { afterCall: true } });
// @ts-expect-error CallSkippedError needs a reason
new CallSkippedError({});
const p = pipeline("q", { hooks }).step("a", () => 1);
// @ts-expect-error hooks' request is read-only
void p.run(undefined, { hooks: { beforeCall: (request) => void (request.model = "other") } });
