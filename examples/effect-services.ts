/**
 * Effect steps that need Effect services: the pipeline's type says which,
 * and `run` is given a Layer (or a ManagedRuntime) that provides them.
 * `npx tsx examples/effect-services.ts`.
 */
import { Context, Effect, Layer } from "effect";
import { pipeline } from "../src/index.js";
import { runIfMain } from "./model-client.js";

/** A service from Effect's Context: what the `lookup` step needs. */
export class Catalog extends Context.Service<Catalog, { readonly price: (sku: string) => Effect.Effect<number> }>()("Catalog") {}

export const quote = pipeline<{ sku: string; quantity: number }>("quote")
  .step("price", (ctx) =>
    Effect.gen(function* () {
      const catalog = yield* Catalog;
      return yield* catalog.price(ctx.input.sku);
    }),
  )
  .step("total", { after: ["price"] }, (ctx) => ctx.dep("price") * ctx.input.quantity);

/** An in-memory catalog; a real one would be a Layer over a database client. */
export const CatalogLive = Layer.succeed(Catalog, { price: (sku: string) => Effect.succeed(sku === "pen" ? 2 : 10) });

export const main = async (): Promise<void> => {
  // quote.run({ sku: "pen", quantity: 3 }) alone is a type error: Catalog is not provided.
  const result = await quote.run({ sku: "pen", quantity: 3 }, { layer: CatalogLive });
  console.log(`3 pens cost ${result.output}`);
  // As an Effect, the requirement stays in its type until provided.
  const total = await Effect.runPromise(Effect.provide(quote.toEffect({ sku: "book", quantity: 2 }), CatalogLive));
  console.log(`2 books cost ${total.output}`);
};

runIfMain(import.meta.url, main);
