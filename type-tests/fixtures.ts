/**
 * Pipelines shared by the type tests. `doc` is the example from the issue:
 * three steps returning a Promise, a Promise and an Effect.
 */
import { Effect } from "effect";
import { z } from "zod";
import { pipeline } from "../src/index.js";

export const doc = pipeline("doc", { input: z.object({ document: z.string() }) })
  .step("extract", async (ctx) => ({ entities: ctx.input.document.split(" ") }))
  .step("classify", { after: ["extract"] }, async (ctx) =>
    ctx.dep("extract").entities.length > 3 ? ("long" as const) : ("short" as const),
  )
  .step("report", { after: ["extract", "classify"] }, (ctx) =>
    Effect.succeed(`${ctx.dep("classify")}: ${ctx.dep("extract").entities.join(", ")}`),
  );

/** What the database service of the services tests looks like. */
export interface Db {
  find(id: string): Promise<string>;
}

export const db: Db = { find: async (id) => `row ${id}` };
