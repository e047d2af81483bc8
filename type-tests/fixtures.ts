/**
 * Pipelines shared by the type tests. `doc` is the example from the issue:
 * three steps returning a Promise, a Promise and an Effect.
 */
import { Effect } from "effect";
import { z } from "zod";
import { pipeline, type Pipeline } from "../src/index.js";

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

/**
 * 20 steps, past the 16 after which the builder settles the index it looks
 * dependencies up in: `first` is read from the settled part, `s18` from the
 * recent one.
 */
export const long = pipeline<{ seed: number }>("long")
  .step("first", () => ({ first: true as const }))
  .step("s1", (ctx) => ctx.input.seed + 1)
  .step("s2", (ctx) => ctx.input.seed + 2)
  .step("s3", (ctx) => ctx.input.seed + 3)
  .step("s4", (ctx) => ctx.input.seed + 4)
  .step("s5", (ctx) => ctx.input.seed + 5)
  .step("s6", (ctx) => ctx.input.seed + 6)
  .step("s7", (ctx) => ctx.input.seed + 7)
  .step("s8", (ctx) => ctx.input.seed + 8)
  .step("s9", (ctx) => ctx.input.seed + 9)
  .step("s10", (ctx) => ctx.input.seed + 10)
  .step("s11", (ctx) => ctx.input.seed + 11)
  .step("s12", (ctx) => ctx.input.seed + 12)
  .step("s13", (ctx) => ctx.input.seed + 13)
  .step("s14", (ctx) => ctx.input.seed + 14)
  .step("s15", (ctx) => ctx.input.seed + 15)
  .step("s16", (ctx) => ctx.input.seed + 16)
  .step("s17", (ctx) => ctx.input.seed + 17)
  .step("s18", () => "last" as const);

/** `long`'s type written out, as a user may: without the index, so steps search the outputs whole. */
export const annotated: Pipeline<{ seed: number }, { seed: number }, { readonly first: { first: true } } & { readonly s18: "last" }, "last", {}, never, never, "first" | "s18"> =
  pipeline<{ seed: number }>("annotated")
    .step("first", () => ({ first: true as const }))
    .step("s18", () => "last" as const);
