// Guarantee 11: the Effect services of Effect steps are required where a run is started.
import { Context, Effect, Layer } from "effect";
import { pipeline, router } from "../../src/index.js";

class Db extends Context.Service<Db, { readonly find: (id: string) => Effect.Effect<string> }>()("tt/Db") {}
class Other extends Context.Service<Other, { readonly x: number }>()("tt/Other") {}

const load = pipeline<{ id: string }>("load").step("row", (ctx) =>
  Effect.gen(function* () {
    return yield* (yield* Db).find(ctx.input.id);
  }),
);

// @ts-expect-error says `run needs the Effect services its steps require: call run(input, { layer }) or run(input, { runtime })`
load.run({ id: "1" });
// @ts-expect-error options without a layer or runtime are not enough
load.run({ id: "1" }, { timeout: 1000 });
// @ts-expect-error a layer that provides something else
load.run({ id: "1" }, { layer: Layer.succeed(Other, { x: 1 }) });
// @ts-expect-error toEffect's Effect requires Db
export const needsNothing: Effect.Effect<unknown, unknown, never> = load.toEffect({ id: "1" });
// @ts-expect-error a batch needs the layer or runtime too
load.runMany([{ id: "1" }]);
load.runMany([{ id: "1" }], { concurrency: 2, layer: Layer.succeed(Db, { find: (id: string) => Effect.succeed(id) }) });

// Through a sub-pipeline step.
const parent = pipeline("parent").step("loaded", load.asStep(() => ({ id: "1" })));
// @ts-expect-error the parent requires Db too
parent.run();

// Through a router.
const routed = router("routed", { routes: { load }, route: () => "load" as const });
// @ts-expect-error a router requires its routes' Effect services: `run needs the Effect services its steps require`
routed.run({ id: "1" });

// With services declared too, both are required.
const both = pipeline("both").withServices<{ token: string }>().step("row", () =>
  Effect.gen(function* () {
    return yield* (yield* Db).find("1");
  }),
);
// @ts-expect-error run without the services and the layer
both.run();
// @ts-expect-error says `run needs { services: { token } } and the Effect services its steps require: call run(input, { services, layer }) or run(input, { services, runtime })`
both.run(undefined);
both.run(undefined, { services: { token: "t" }, layer: Layer.succeed(Db, { find: (id: string) => Effect.succeed(id) }) });
