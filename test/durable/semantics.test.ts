import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, describe, expect, it } from "vitest";
import { agent, CostBudgetExceededError, PipelineCancelledError, pipeline, router, StepExecutionError } from "../../src/index.js";
import { DurableRunMismatchError, DurableStoreError, memoryStore, NotJournallableError, sqliteStore, type DurableStore } from "../../src/durable/index.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();
const stores: Array<DurableStore> = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

const sqliteFile = () => join(mkdtempSync(join(tmpdir(), "stepgraph-durable-")), "runs.db");

/** `store`, closed after the test. */
const closedAfter = <Store extends DurableStore>(store: Store): Store => (stores.push(store), store);

/** Each kind of store that runs in one process, opened for one test. */
const kinds: Array<[string, () => DurableStore]> = [
  ["memory", () => closedAfter(memoryStore())],
  ["SQLite", () => closedAfter(sqliteStore({ file: sqliteFile() }))],
];

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

describe.each(kinds)("durable runs on the %s store", (_kind, open) => {

  it("returns a completed run's stored result without running a step again", async () => {
    const store = open();
    const calls: Array<string> = [];
    const p = pipeline<{ n: number }>("sum")
      .step("a", (ctx) => (calls.push("a"), ctx.input.n + 1))
      .step("b", { after: ["a"] }, async (ctx) => (calls.push("b"), ctx.dep("a") * 2))
      .step("c", { after: ["a"] }, (ctx) => (calls.push("c"), { tripled: ctx.dep("a") * 3 }))
      .step("d", { after: ["b", "c"] }, (ctx) => (calls.push("d"), ctx.dep("b") + ctx.dep("c").tripled));
    const first = await p.run({ n: 1 }, { durable: { store, runId: "sum-1" } });
    expect(first.output).toBe(10);
    expect(first.durable).toEqual({ runId: "sum-1", generation: 1, replayed: [], possiblyDuplicated: [], fromJournal: false });
    const again = await p.run({ n: 1 }, { durable: { store, runId: "sum-1" } });
    expect(again.output).toBe(10);
    expect(again.outputs).toEqual(first.outputs);
    expect(again.durable?.fromJournal).toBe(true);
    expect(calls.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("gives steps the run id, and idempotency keys stable per run, step and attempt", async () => {
    const store = open();
    const seen: Array<{ runId: string; key: string }> = [];
    let failures = 1;
    const p = pipeline("keys").step("a", { retries: 1, retryDelay: 0 }, (ctx) => {
      seen.push({ runId: ctx.runId, key: ctx.idempotencyKey });
      if (failures-- > 0) throw new Error("flaky");
      return "ok";
    });
    await p.run(undefined, { durable: { store, runId: "keys-1" } });
    expect(seen.map((entry) => entry.runId)).toEqual(["keys-1", "keys-1"]);
    expect(seen[0]!.key).not.toBe(seen[1]!.key);
    expect(seen[0]!.key).toMatch(/^stepgraph-[0-9a-f]{40}$/);
  });

  it("fails a step whose output cannot be journalled, naming the step and the value's path", async () => {
    const store = open();
    const p = pipeline("dates").step("when", () => ({ items: [{ at: new Date(0) }] }));
    const error = await rejection(p.run(undefined, { durable: { store, runId: "dates-1" } }));
    expect(error).toBeInstanceOf(StepExecutionError);
    const cause = (error as StepExecutionError).cause;
    expect(cause).toBeInstanceOf(NotJournallableError);
    expect((cause as Error).message).toContain(`step "when"'s output cannot be journalled: items[0].at is a Date`);
    for (const [value, problem] of [
      [{ f: () => 1 }, "f is a function"],
      [{ big: 10n }, "big is a BigInt (10n)"],
      [new Map(), "the value itself is a Map"],
      [{ n: Number.NaN }, "n is NaN"],
    ] as const) {
      const bad = pipeline("bad").step("x", () => value);
      const failed = (await rejection(bad.run(undefined, { durable: { store, runId: `bad-${problem}` } }))) as StepExecutionError;
      expect((failed.cause as Error).message).toContain(problem);
    }
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const loop = pipeline("loop").step("x", () => cyclic);
    const failed = (await rejection(loop.run(undefined, { durable: { store, runId: "loop" } }))) as StepExecutionError;
    expect((failed.cause as Error).message).toContain("self refers back to an enclosing value (a cycle)");
  });

  it("refuses to resume a run with a pipeline whose steps changed, naming the differences", async () => {
    const store = open();
    const v1 = pipeline("shape").step("a", () => 1).step("b", { after: ["a"] }, () => 2);
    await v1.run(undefined, { durable: { store, runId: "shape-1" } });
    const v2 = pipeline("shape").step("a", () => 1).step("c", () => 3).step("b", { after: ["a", "c"] }, () => 2);
    const error = await rejection(v2.run(undefined, { durable: { store, runId: "shape-1" } }));
    expect(error).toBeInstanceOf(DurableRunMismatchError);
    expect((error as Error).message).toContain('step "c" was added');
    expect((error as Error).message).toContain('step "b" now runs after [a, c], not [a]');
    const other = pipeline("other").step("a", () => 1).step("b", { after: ["a"] }, () => 2);
    const foreign = await rejection(other.run(undefined, { durable: { store, runId: "shape-1" } }));
    expect((foreign as Error).message).toContain('it belongs to pipeline "shape"');
  });

  it("resumes a failed run without running its completed steps again", async () => {
    const store = open();
    const calls: Array<string> = [];
    let broken = true;
    const p = pipeline("flaky")
      .step("a", () => (calls.push("a"), "A"))
      .step("b", { after: ["a"] }, (ctx) => {
        calls.push("b");
        if (broken) throw new Error("the service is down");
        return `${ctx.dep("a")}B`;
      });
    const error = await rejection(p.run(undefined, { durable: { store, runId: "flaky-1" } }));
    expect(error).toBeInstanceOf(StepExecutionError);
    expect((error as StepExecutionError).cause).toEqual(new Error("the service is down"));
    broken = false;
    const resumed = await p.run(undefined, { durable: { store, runId: "flaky-1" } });
    expect(resumed.output).toBe("AB");
    expect(calls).toEqual(["a", "b", "b"]);
    expect(resumed.durable).toMatchObject({ generation: 2, fromJournal: false });
  });

  it("resumes a cancelled run", async () => {
    const store = open();
    const calls: Array<string> = [];
    const controller = new AbortController();
    const p = pipeline("slow")
      .step("a", () => (calls.push("a"), 1))
      .step("b", { after: ["a"] }, (ctx) => {
        calls.push("b");
        if (calls.length === 2) {
          setTimeout(() => controller.abort("enough"), 5);
          return new Promise((resolve) => setTimeout(() => resolve(2), 10_000));
        }
        return 2;
      });
    const error = await rejection(p.run(undefined, { signal: controller.signal, durable: { store, runId: "slow-1" } }));
    expect(error).toBeInstanceOf(PipelineCancelledError);
    const resumed = await p.run(undefined, { durable: { store, runId: "slow-1" } });
    expect(resumed.output).toBe(2);
    expect(calls).toEqual(["a", "b", "b"]);
  });

  it("resumes a stopped run, reusing every completed step", async () => {
    const store = open();
    const calls: Array<string> = [];
    const p = pipeline("review")
      .withServices<{ approved: boolean }>()
      .step("draft", () => (calls.push("draft"), "draft text"))
      .step("approve", { after: ["draft"] }, (ctx) => {
        calls.push("approve");
        return ctx.services.approved ? `${ctx.dep("draft")} (approved)` : ctx.stop({ waitingFor: "review" });
      });
    const stopped = await p.run(undefined, { services: { approved: false }, durable: { store, runId: "review-1" } });
    expect(stopped.status).toBe("stopped");
    const done = await p.run(undefined, { services: { approved: true }, durable: { store, runId: "review-1" } });
    expect(done.status).toBe("completed");
    expect(done.output).toBe("draft text (approved)");
    expect(calls).toEqual(["draft", "approve", "approve"]);
  });

  it("resumes a run that crossed its budget with a larger one, counting what it spent before", async () => {
    const store = open();
    const writer = agent({ model: "gpt-4o-mini" });
    // 1000 input tokens and 100 output tokens of gpt-4o-mini: 150 000 + 60 000 nano-dollars a call.
    const usage = { inputTokens: 1000, outputTokens: 100 };
    const p = pipeline("spend", { client: mock.client })
      .step("a", async (ctx) => (await ctx.run(writer, "a", { maxTokens: 100 })).output)
      .step("b", { after: ["a"] }, async (ctx) => (await ctx.run(writer, "b", { maxTokens: 100 })).output);
    mock.server.script({ content: "A", usage }, { content: "B", usage });
    const error = await rejection(p.run(undefined, { costBudget: 0.0003, durable: { store, runId: "spend-1" } }));
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    const requestsBefore = mock.server.requests.length;
    mock.server.script({ content: "B", usage });
    const resumed = await p.run(undefined, { costBudget: 0.001, durable: { store, runId: "spend-1" } });
    expect(resumed.output).toBe("B");
    const prompts = mock.server.requests.slice(requestsBefore).map((request) => (request.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content);
    expect(prompts).toEqual(["b"]);
    // The resumed run's usage counts step a's call from the first generation.
    expect(resumed.usage.byStep.a?.costNanoUsd).toBe(210_000);
    // Every token the server billed (both generations, three calls) is in the resumed run's usage.
    expect(resumed.usage.inputTokens).toBe(mock.server.totalBilled().inputTokens);
    expect(resumed.usage.calls).toBe(mock.server.totalBilled().responses);
  });
});

describe("the SQLite store", () => {
  it("belongs to one store at a time: a second one on the same file fails at once, saying to use PostgreSQL", async () => {
    const file = sqliteFile();
    const first = closedAfter(sqliteStore({ file }));
    const second = closedAfter(sqliteStore({ file }));
    const p = pipeline("one").step("a", () => 1);
    await p.run(undefined, { durable: { store: first, runId: "one-1" } });
    const error = await rejection(p.run(undefined, { durable: { store: second, runId: "one-2" } }));
    expect(error).toBeInstanceOf(DurableStoreError);
    expect((error as Error).message).toContain("is in use by another store");
    expect((error as Error).message).toContain("postgresStore()");
  });

  it("rejects a durable option that is not { store, runId } from untyped code", async () => {
    const p = pipeline("untyped").step("a", () => 1);
    const bad = (durable: unknown) => rejection(p.run(undefined, { durable } as never));
    expect(((await bad({ runId: "x" })) as Error).message).toContain("`durable.store` must be a store from stepgraph/durable");
    expect(((await bad({ store: memoryStore(), runId: "" })) as Error).message).toContain("`durable.runId` must be a non-empty string");
  });
});

describe("journalled values", () => {
  it("journal steps that return nothing and objects with undefined properties", async () => {
    const store = closedAfter(memoryStore());
    const p = pipeline("empty")
      .step("nothing", () => undefined)
      .step("sparse", { after: ["nothing"] }, () => ({ a: 1, b: undefined as number | undefined }))
      .step("stop", { after: ["sparse"] }, (ctx) => ctx.stop(undefined));
    const result = await p.run(undefined, { durable: { store, runId: "empty-1" } });
    expect(result.status).toBe("stopped");
    expect(result.outputs).toEqual({ nothing: undefined, sparse: { a: 1 } });
  });
});

describe.each(kinds)("durable nested runs and batches on the %s store", (_kind, open) => {

  it("journals a router: its routing step, then its route's steps under the route's name", async () => {
    const store = open();
    const calls: Array<string> = [];
    let broken = true;
    const short = pipeline<{ text: string }>("short")
      .step("first", (ctx) => (calls.push("first"), ctx.input.text.split(" ")[0]!))
      .step("finish", { after: ["first"] }, (ctx) => {
        calls.push("finish");
        if (broken) throw new Error("not yet");
        return `${ctx.dep("first")}.`;
      });
    const long = pipeline<{ text: string }>("long").step("all", (ctx) => ctx.input.text);
    const docs = router("docs", { routes: { short, long }, route: (input: { text: string }) => (calls.push("route"), input.text.length < 20 ? "short" : "long") });
    const failed = await rejection(docs.run({ text: "Hello there" }, { durable: { store, runId: "docs-1" } }));
    expect(failed).toBeInstanceOf(StepExecutionError);
    broken = false;
    const resumed = await docs.run({ text: "Hello there" }, { durable: { store, runId: "docs-1" } });
    expect(resumed.route).toBe("short");
    expect(resumed.output).toBe("Hello.");
    // Neither the routing function nor the route's completed step ran again.
    expect(calls).toEqual(["route", "first", "finish", "finish"]);
    const again = await docs.run({ text: "Hello there" }, { durable: { store, runId: "docs-1" } });
    expect(again.durable?.fromJournal).toBe(true);
  });

  it("journals a sub-pipeline's steps under its step", async () => {
    const store = open();
    const calls: Array<string> = [];
    let broken = true;
    const inner = pipeline<{ text: string }>("inner")
      .step("upper", (ctx) => (calls.push("upper"), ctx.input.text.toUpperCase()))
      .step("exclaim", { after: ["upper"] }, (ctx) => (calls.push("exclaim"), `${ctx.dep("upper")}!`));
    const outer = pipeline<{ text: string }>("outer")
      .step("shout", inner.asStep((ctx) => ({ text: ctx.input.text })))
      .step("check", { after: ["shout"] }, (ctx) => {
        calls.push("check");
        if (broken) throw new Error("not yet");
        return ctx.dep("shout").length;
      });
    const failed = await rejection(outer.run({ text: "hi" }, { durable: { store, runId: "outer-1" } }));
    expect(failed).toBeInstanceOf(StepExecutionError);
    broken = false;
    const resumed = await outer.run({ text: "hi" }, { durable: { store, runId: "outer-1" } });
    expect(resumed.outputs).toEqual({ shout: "HI!", check: 3 });
    expect(calls).toEqual(["upper", "exclaim", "check", "check"]);
  });

  it("journals each input of a batch under the batch id and its index", async () => {
    const store = open();
    const calls: Array<number> = [];
    const failing = new Set([1]);
    const p = pipeline<{ n: number }>("double").step("double", (ctx) => {
      calls.push(ctx.input.n);
      if (failing.has(ctx.input.n)) throw new Error(`input ${ctx.input.n} failed`);
      return { id: ctx.runId, doubled: ctx.input.n * 2 };
    });
    const inputs = [{ n: 0 }, { n: 1 }, { n: 2 }];
    const first = await p.runMany(inputs, { durable: { store, runId: "batch-7" } });
    expect(first.map((outcome) => outcome.ok)).toEqual([true, false, true]);
    failing.clear();
    const second = await p.runMany(inputs, { durable: { store, runId: "batch-7" } });
    expect(second.map((outcome) => (outcome.ok ? outcome.result.output : outcome.error))).toEqual([
      { id: "batch-7/0", doubled: 0 },
      { id: "batch-7/1", doubled: 2 },
      { id: "batch-7/2", doubled: 4 },
    ]);
    // Only the input that had failed ran again.
    expect(calls.sort()).toEqual([0, 1, 1, 2]);
  });
});

describe("durable runs of pipelines with Effect requirements", () => {
  class Catalog extends Context.Service<Catalog, { readonly price: (sku: string) => Effect.Effect<number> }>()("Catalog") {}
  const quote = pipeline<{ sku: string }>("quote").step("price", (ctx) =>
    Effect.gen(function* () {
      const catalog = yield* Catalog;
      return yield* catalog.price(ctx.input.sku);
    }),
  );
  const CatalogLive = Layer.succeed(Catalog, { price: (sku: string) => Effect.succeed(sku === "pen" ? 2 : 10) });

  it("give the layer's services to Effect steps, from run and from toEffect", async () => {
    const store = closedAfter(memoryStore());
    const ran = await quote.run({ sku: "pen" }, { layer: CatalogLive, durable: { store, runId: "quote-1" } });
    expect(ran.output).toBe(2);
    const effect = await Effect.runPromise(Effect.provide(quote.toEffect({ sku: "book" }, { durable: { store, runId: "quote-2" } }), CatalogLive));
    expect(effect.output).toBe(10);
  });
});
