// Guarantee 3: `ctx.dep` accepts only the step's own `after` ids.
import { annotated, doc, long } from "../fixtures.js";

doc.step("onlyReport", { after: ["report"] }, (ctx) => {
  // @ts-expect-error says `"extract" is not in this step's after: add "extract" to after to read it`
  ctx.dep("extract");
  // @ts-expect-error not a step at all
  ctx.dep("summary");
  // @ts-expect-error the output type is the dependency's
  const length: number = ctx.dep("report");
  return [ctx.dep("report"), length];
});

doc.step("standalone", (ctx) => {
  // @ts-expect-error says `"extract" is not in this step's after: add "extract" to after`
  ctx.dep("extract");
  return 1;
});

long.step("late", { after: ["s18"] }, (ctx) => {
  // @ts-expect-error settled by the index, but not in this step's after
  ctx.dep("first");
  // @ts-expect-error the output type is the dependency's, wherever the index keeps it
  const length: number = ctx.dep("s18");
  return length;
});

annotated.step("late", { after: ["first"] }, (ctx) => {
  // @ts-expect-error a pipeline whose type was written out checks dependencies too
  ctx.dep("s18");
  return ctx.dep("first");
});
