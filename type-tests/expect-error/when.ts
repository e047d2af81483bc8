// Guarantee 8: a step with `when` may be skipped: it is read with depOrUndefined.
import { pipeline } from "../../src/index.js";

const p = pipeline<{ translate: boolean }>("when")
  .step("detect", () => "fr" as const)
  .step("translate", { after: ["detect"], when: (ctx) => ctx.input.translate && ctx.dep("detect") === "fr" }, () => "hello")
  .step("publish", { after: ["detect", "translate"] }, (ctx) => {
    // @ts-expect-error says `"translate" has a when condition and may be skipped: read it with ctx.depOrUndefined("translate")`
    ctx.dep("translate");
    // @ts-expect-error its value may be undefined
    const text: string = ctx.depOrUndefined("translate");
    return text + ctx.dep("detect");
  });

export const read = async () => {
  const { outputs } = await p.run({ translate: true });
  // @ts-expect-error the skippable output is optional in the result
  const translated: string = outputs.translate;
  const published: string = outputs.publish;
  return [translated, published];
};

// @ts-expect-error the condition returns a boolean
pipeline("bad").step("a", { when: () => "yes" }, () => 1);
