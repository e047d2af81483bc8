/**
 * The editor situations issue 11 is about, as sources with a cursor. Shared
 * by the tests (editor.test.mjs) and the measurements (measure.mjs).
 */
const head = `import { Effect, Context } from "effect";
import { z } from "zod";
import { pipeline } from "../../../src/index.js";
const doc = pipeline("doc", { input: z.object({ document: z.string() }) })
  .step("extract", async (ctx) => ({ entities: ctx.input.document.split(" ") }))
  .step("classify", { after: ["extract"] }, (ctx) => (ctx.dep("extract").entities.length > 3 ? "long" : "short"));
`;

export const cases = {
  /** Item 1: a typo in after, and the body that reads the real id. */
  afterTypo: `${head}
export const p = doc.step("report", { after: ["extrac"] }, (ctx) => {
  const entities = ctx.dep("extract").entities;
  return entities.length + ctx.dep("classify").length;
});
`,
  /** Item 1: a typo in after with only one earlier step. */
  afterTypoOneStep: `${head}
export const p = pipeline("one").step("extract", () => ({ entities: ["a"] }))
  .step("report", { after: ["extrac"] }, (ctx) => ctx.dep("extract").entities);
`,
  /** Item 1: a duplicate id in a step with options. */
  duplicateWithOptions: `${head}
export const p = doc.step("extract", { after: ["classify"] }, (ctx) => ctx.dep("classify").length);
`,
  /** Item 2: typing after before the function. */
  completeAfter: `${head}
export const p = doc.step("report", { after: ["/*|*/"] });
`,
  /** Item 2: typing an option name before the function. */
  completeOptions: `${head}
export const p = doc.step("report", { /*|*/ });
`,
  /** Item 2 (still works): completing a dep id in the body. */
  completeDep: `${head}
export const p = doc.step("report", { after: ["extract", "classify"] }, (ctx) => ctx.dep("/*|*/"));
`,
  /** Item 3: dep on a step with a when condition. */
  depOnWhen: `${head}
const maybe = doc.step("maybe", { when: () => true }, () => 1);
export const p = maybe.step("late", { after: ["maybe"] }, (ctx) => ctx.dep("maybe"));
`,
  /** Item 3: dep not in after. */
  depNotInAfter: `${head}
export const p = doc.step("late", (ctx) => ctx.dep("extract"));
`,
  /** Item 3: run without the services. */
  runWithoutServices: `${head}
const withDb = pipeline<{ id: string }>("db").withServices<{ db: { find(id: string): string } }>().step("a", (ctx) => ctx.services.db.find(ctx.input.id));
export const r = withDb.run({ id: "1" });
`,
  /** Item 4: an Effect step needing a service. */
  effectRequirement: `${head}
class Db extends Context.Service<Db, { readonly find: (id: string) => Effect.Effect<string> }>()("Db") {}
const withDb = doc.step("row", (ctx) => Effect.gen(function* () { const db = yield* Db; return yield* db.find(ctx.input.document); }));
export const r = withDb.run({ document: "x" });
export const e = withDb.toEffect({ document: "x" });
`,
  /** Item 3/4: signature help while typing run's options names what they must hold. */
  signatureRunLayer: `${head}
class Db extends Context.Service<Db, { readonly find: (id: string) => Effect.Effect<string> }>()("Db") {}
const withDb = doc.step("row", () => Effect.gen(function* () { return yield* (yield* Db).find("1"); }));
export const r = withDb.run({ document: "x" }, /*|*/);
`,
  /** Item 5: hovering a long pipeline. */
  hoverLong: `${head}
export const /*|*/p = doc${Array.from({ length: 10 }, (_, i) => `\n  .step("s${i}", { after: ["extract"] }, (ctx) => ({ n${i}: ctx.dep("extract").entities.length }))`).join("")};
`,
  /** Item 5: hovering .step. */
  hoverStep: `${head}
export const p = doc./*|*/step("s", () => 1);
`,
};
