import { Deferred, Effect } from "effect";
import { describe, expect, it } from "vitest";
import { pipeline, type PipelineEvent } from "../../src/index.js";

/** A promise with its resolver, to hold a step open until the test releases it. */
const gate = <A = void>() => {
  let open!: (value: A) => void;
  const promise = new Promise<A>((resolve) => (open = resolve));
  return { promise, open };
};

describe("scheduling", () => {
  it("runs the issue's example and types every output", async () => {
    const p = pipeline<{ document: string }>("doc")
      .step("extract", async (ctx) => ({ entities: ctx.input.document.split(" ") }))
      .step("classify", { after: ["extract"] }, async (ctx) =>
        ctx.dep("extract").entities.length > 3 ? ("long" as const) : ("short" as const),
      )
      .step("report", { after: ["extract", "classify"] }, (ctx) =>
        Effect.succeed(`${ctx.dep("classify")}: ${ctx.dep("extract").entities.join(", ")}`),
      );
    const result = await p.run({ document: "Apple announced a new chip" });
    expect(result.status).toBe("completed");
    expect(result.output).toBe("long: Apple, announced, a, new, chip");
    expect(result.outputs.classify).toBe("long");
    expect(result.outputs.extract.entities).toHaveLength(5);
  });

  it("starts a step the moment its own dependencies finish, not when its level does", async () => {
    const slow = gate();
    const events: string[] = [];
    const p = pipeline("eager")
      .step("fast", () => "f")
      .step("slow", () => slow.promise.then(() => "s"))
      .step("afterFast", { after: ["fast"] }, () => {
        events.push("afterFast ran while slow was pending");
        slow.open();
        return "a";
      })
      .step("join", { after: ["slow", "afterFast"] }, (ctx) => `${ctx.dep("slow")}${ctx.dep("afterFast")}`);
    const result = await p.run();
    expect(events).toEqual(["afterFast ran while slow was pending"]);
    expect(result.output).toBe("sa");
  });

  it("runs independent steps concurrently", async () => {
    const started = { a: gate(), b: gate() };
    const p = pipeline("parallel")
      .step("a", async () => {
        started.a.open();
        await started.b.promise;
        return 1;
      })
      .step("b", async () => {
        started.b.open();
        await started.a.promise;
        return 2;
      })
      .step("sum", { after: ["a", "b"] }, (ctx) => ctx.dep("a") + ctx.dep("b"));
    expect((await p.run()).output).toBe(3);
  });

  it("bounds how many steps run at once with maxConcurrency", async () => {
    let running = 0;
    let peak = 0;
    const work = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return running;
    };
    const p = pipeline("bounded", { maxConcurrency: 2 })
      .step("a", work)
      .step("b", work)
      .step("c", work)
      .step("d", work)
      .step("e", work);
    await p.run();
    expect(peak).toBe(2);
    peak = 0;
    await p.run(undefined, { maxConcurrency: 1 });
    expect(peak).toBe(1);
  });

  it("accepts Effect steps and keeps the order of the trace", async () => {
    const events: PipelineEvent[] = [];
    const p = pipeline("effects")
      .step("one", () => Effect.succeed(1))
      .step("two", { after: ["one"] }, (ctx) => Effect.map(Effect.succeed(ctx.dep("one")), (n) => n + 1));
    const result = await p.run(undefined, { onEvent: (event) => events.push(event) });
    expect(result.output).toBe(2);
    expect(result.trace.map((event) => `${event.type}:${event.stepId}`)).toEqual([
      "start:one",
      "success:one",
      "start:two",
      "success:two",
    ]);
    expect(events).toEqual(result.trace);
  });

  it("reports timing for the run and each step", async () => {
    const p = pipeline("timed")
      .step("a", () => new Promise((resolve) => setTimeout(() => resolve(1), 10)))
      .step("b", { after: ["a"] }, () => 2);
    const { timing } = await p.run();
    expect(timing.steps.a!.durationMs).toBeGreaterThanOrEqual(8);
    expect(timing.steps.b!.start).toBeGreaterThanOrEqual(timing.steps.a!.end);
    expect(timing.durationMs).toBeGreaterThanOrEqual(timing.steps.b!.end);
    expect(timing.startedAt).toBeLessThanOrEqual(Date.now());
  });

  it("passes services to steps", async () => {
    const p = pipeline<{ id: string }>("services")
      .withServices<{ users: Map<string, string> }>()
      .step("load", (ctx) => ctx.services.users.get(ctx.input.id));
    const result = await p.run({ id: "u1" }, { services: { users: new Map([["u1", "Ada"]]) } });
    expect(result.output).toBe("Ada");
  });

  it("gives each attempt its step id and attempt number", async () => {
    const seen: string[] = [];
    const p = pipeline("ids").step("flaky", { retries: 1, retryDelay: 1 }, (ctx) => {
      seen.push(`${ctx.stepId}#${ctx.attempt}`);
      if (ctx.attempt === 1) throw new Error("first attempt fails");
      return "ok";
    });
    await p.run();
    expect(seen).toEqual(["flaky#1", "flaky#2"]);
  });

  it("composes inside Effect programs through toEffect", async () => {
    const p = pipeline<number>("double").step("x2", (ctx) => ctx.input * 2);
    const program = Effect.gen(function* () {
      const deferred = yield* Deferred.make<number>();
      const result = yield* p.toEffect(21);
      yield* Deferred.succeed(deferred, result.output);
      return yield* Deferred.await(deferred);
    });
    expect(await Effect.runPromise(program)).toBe(42);
  });

  it("runs a pipeline with no steps", async () => {
    const result = await pipeline("empty").run();
    expect(result.output).toBeUndefined();
    expect(result.trace).toEqual([]);
  });
});
