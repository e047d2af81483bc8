/**
 * Guarantee 2: `after` accepts only ids of steps declared earlier, so an
 * unknown id, a misspelt id, a later step or the step itself is an error
 * (and a cycle cannot be written). check-expect-errors.mjs also checks that
 * TypeScript's own "Did you mean" suggestion survives.
 */
import { expectError, expectType } from "tsd";
import { pipeline } from "../src/index.js";
import { doc } from "./fixtures.js";

// Any earlier step, in any order, one or several.
doc.step("one", { after: ["report"] }, () => 1);
doc.step("several", { after: ["report", "extract", "classify"] }, () => 1);
doc.step("none", { after: [] }, () => 1);

// An `after` given as a variable keeps its literal ids.
const deps = ["extract", "classify"] as const;
doc.step("fromVariable", { after: deps }, (ctx) => {
  expectType<{ entities: string[] }>(ctx.dep("extract"));
  return 1;
});

expectError(doc.step("unknown", { after: ["summarise"] }, () => 1));
expectError(doc.step("misspelt", { after: ["extrac"] }, () => 1));
expectError(doc.step("oneOfSeveral", { after: ["extract", "clasify"] }, () => 1));
expectError(doc.step("itself", { after: ["itself"] }, () => 1));
expectError(doc.step("notAString", { after: [42] }, () => 1));

// A step declared later is unknown at this point: no cycles.
const first = pipeline("order").step("a", () => 1);
expectError(first.step("b", { after: ["c"] }, () => 1).step("c", { after: ["b"] }, () => 2));
