import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as ManagedRuntime from "effect/ManagedRuntime";
import { describe, expect, it } from "vitest";
import { pipeline, router, StepExecutionError } from "../../src/index.js";

class Db extends Context.Service<Db, { readonly find: (id: string) => Effect.Effect<string> }>()("test/Db") {}

const DbLive = Layer.succeed(Db, { find: (id: string) => Effect.succeed(`row ${id}`) });

const load = pipeline<{ id: string }>("load")
  .step("row", (ctx) =>
    Effect.gen(function* () {
      const db = yield* Db;
      return yield* db.find(ctx.input.id);
    }),
  )
  .step("upper", { after: ["row"] }, (ctx) => ctx.dep("row").toUpperCase());

describe("Effect steps that require Effect services", () => {
  it("find them when run is given a layer", async () => {
    const result = await load.run({ id: "7" }, { layer: DbLive });
    expect(result.outputs).toEqual({ row: "row 7", upper: "ROW 7" });
  });

  it("find them when run is given a ManagedRuntime, whose services every run shares", async () => {
    let built = 0;
    const counted = Layer.effect(Db, Effect.sync(() => (built++, { find: (id: string) => Effect.succeed(`row ${id}`) })));
    const runtime = ManagedRuntime.make(counted);
    try {
      await load.run({ id: "1" }, { runtime });
      const second = await load.run({ id: "2" }, { runtime });
      expect(second.output).toBe("ROW 2");
      expect(built).toBe(1);
    } finally {
      await runtime.dispose();
    }
  });

  it("find them through toEffect when the caller provides them", async () => {
    const result = await Effect.runPromise(Effect.provide(load.toEffect({ id: "3" }), DbLive));
    expect(result.output).toBe("ROW 3");
  });

  it("reach a sub-pipeline's Effect steps, through the parent's run", async () => {
    const parent = pipeline<{ key: string }>("parent").step("loaded", load.asStep((ctx) => ({ id: ctx.input.key })));
    const result = await parent.run({ key: "9" }, { layer: DbLive });
    expect(result.output).toBe("ROW 9");
    const viaEffect = await Effect.runPromise(Effect.provide(parent.toEffect({ key: "8" }), DbLive));
    expect(viaEffect.output).toBe("ROW 8");
  });

  it("find them in every run of a batch given a layer, built once for the batch and released after it", async () => {
    let built = 0;
    let released = 0;
    const counted = Layer.effect(
      Db,
      Effect.acquireRelease(
        Effect.sync(() => (built++, { find: (id: string) => Effect.succeed(`row ${id}`) })),
        () => Effect.sync(() => void released++),
      ),
    );
    const outcomes = await load.runMany([{ id: "1" }, { id: "2" }, { id: "3" }], { concurrency: 2, layer: counted });
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.result.output : outcome.error))).toEqual(["ROW 1", "ROW 2", "ROW 3"]);
    expect([built, released]).toEqual([1, 1]);
  });

  it("find them in runEach given a runtime, which the batch leaves to its owner", async () => {
    const runtime = ManagedRuntime.make(DbLive);
    try {
      const outputs: unknown[] = [];
      for await (const outcome of load.runEach([{ id: "a" }, { id: "b" }], { runtime })) {
        outputs[outcome.index] = outcome.ok ? outcome.result.output : outcome.error;
      }
      expect(outputs).toEqual(["ROW A", "ROW B"]);
      // The runtime still works after the batch.
      expect((await load.run({ id: "c" }, { runtime })).output).toBe("ROW C");
    } finally {
      await runtime.dispose();
    }
  });

  it("reach a routed pipeline's Effect steps when the router runs with a layer, alone and in a batch", async () => {
    const routed = router("routed", { routes: { load }, route: () => "load" as const });
    expect((await routed.run({ id: "r" }, { layer: DbLive })).output).toBe("ROW R");
    const [outcome] = await routed.runMany([{ id: "s" }], { layer: DbLive });
    expect(outcome?.ok && outcome.result.output).toBe("ROW S");
  });

  it("fail the step, naming the missing service, when nothing provides them", async () => {
    // @ts-expect-error run must be given a layer or runtime providing Db
    const failed = await load.run({ id: "1" }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StepExecutionError);
    expect(String((failed as StepExecutionError).cause)).toContain("test/Db");
  });
});
