/**
 * Guarantee 3: `ctx.dep(id)` accepts only ids in the step's own `after` and
 * returns that step's output type.
 */
import { expectError, expectType } from "tsd";
import { pipeline } from "../src/index.js";
import { doc } from "./fixtures.js";

doc.step("both", { after: ["extract", "classify"] }, (ctx) => {
  expectType<{ entities: string[] }>(ctx.dep("extract"));
  expectType<"long" | "short">(ctx.dep("classify"));
  return null;
});

doc.step("onlyReport", { after: ["report"] }, (ctx) => {
  expectType<string>(ctx.dep("report"));
  // Declared earlier, but not in this step's `after`.
  expectError(ctx.dep("extract"));
  expectError(ctx.dep("classify"));
  // Not a step at all.
  expectError(ctx.dep("summary"));
  return null;
});

// A step without `after` reads no dependency.
doc.step("standalone", (ctx) => {
  expectError(ctx.dep("extract"));
  return null;
});

// Outputs keep their exact types through dep, including unions and nested objects.
pipeline<{ n: number }>("exact")
  .step("parity", (ctx) => (ctx.input.n % 2 === 0 ? { kind: "even" as const } : { kind: "odd" as const, rest: 1 }))
  .step("reads", { after: ["parity"] }, (ctx) => {
    expectType<{ kind: "even"; rest?: undefined } | { kind: "odd"; rest: number }>(ctx.dep("parity"));
    return ctx.dep("parity").kind;
  });
