// Guarantee 3: `ctx.dep` accepts only the step's own `after` ids.
import { doc } from "../fixtures.js";

doc.step("onlyReport", { after: ["report"] }, (ctx) => {
  // @ts-expect-error declared earlier, but not in this step's after
  ctx.dep("extract");
  // @ts-expect-error not a step at all
  ctx.dep("summary");
  // @ts-expect-error the output type is the dependency's
  const length: number = ctx.dep("report");
  return [ctx.dep("report"), length];
});

doc.step("standalone", (ctx) => {
  // @ts-expect-error a step without after has no dependencies
  ctx.dep("extract");
  return 1;
});
