/**
 * Guarantee 8: a step with a `when` condition may be skipped, so its
 * dependents read it with `ctx.depOrUndefined(id)` (typed `T | undefined`),
 * `ctx.dep(id)` on it is an error, and its entry in `result.outputs` is optional.
 */
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd";
import { pipeline } from "../src/index.js";

const p = pipeline<{ text: string; translate: boolean }>("when")
  .step("detect", (ctx) => (ctx.input.text.startsWith("Bonjour") ? ("fr" as const) : ("en" as const)))
  .step("translate", { after: ["detect"], when: (ctx) => ctx.input.translate && ctx.dep("detect") !== "en" }, (ctx) => {
    expectType<"fr" | "en">(ctx.dep("detect"));
    return { text: ctx.input.text, from: ctx.dep("detect") };
  })
  .step("publish", { after: ["detect", "translate"] }, (ctx) => {
    expectType<{ text: string; from: "fr" | "en" } | undefined>(ctx.depOrUndefined("translate"));
    expectType<"fr" | "en" | undefined>(ctx.depOrUndefined("detect"));
    expectType<"fr" | "en">(ctx.dep("detect"));
    expectError(ctx.dep("translate"));
    return ctx.depOrUndefined("translate")?.text ?? ctx.input.text;
  });

const result = await p.run({ text: "Bonjour", translate: true });
expectType<{ text: string; from: "fr" | "en" } | undefined>(result.outputs.translate);
expectType<"fr" | "en">(result.outputs.detect);
expectType<string>(result.outputs.publish);

type Outputs = typeof result.outputs;
// Only the conditional step may be missing.
expectAssignable<Outputs>({ detect: "fr", publish: "Bonjour" });
expectNotAssignable<Outputs>({ translate: { text: "Hello", from: "fr" }, publish: "Hello" });
expectType<true>({} as {} extends Pick<Outputs, "translate"> ? true : false);
expectType<false>({} as {} extends Pick<Outputs, "detect"> ? true : false);
expectType<false>({} as {} extends Pick<Outputs, "publish"> ? true : false);

// A condition without parameters, and a skippable first step.
const gated = pipeline("gated")
  .step("maybe", { when: () => Math.random() > 0.5 }, () => 1)
  .step("after", { after: ["maybe"] }, (ctx) => {
    expectType<number | undefined>(ctx.depOrUndefined("maybe"));
    expectError(ctx.dep("maybe"));
    return 2;
  });
gated.run().then((r) => expectType<number | undefined>(r.outputs.maybe));

// The condition returns a boolean, and only reads the step's own dependencies.
expectError(pipeline("bad").step("a", () => 1).step("b", { after: ["a"], when: () => "yes" }, () => 1));
expectError(pipeline("bad").step("a", () => 1).step("b", { after: ["a"], when: (ctx) => ctx.dep("c") }, () => 1));
