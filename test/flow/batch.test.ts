import { describe, expect, expectTypeOf, it } from "vitest";
import {
  agent,
  CostBudgetExceededError,
  PipelineCancelledError,
  pipeline,
  StepExecutionError,
  type PipelineError,
  type PipelineEvent,
} from "../../src/index.js";
import type { BatchProgress } from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

/** A promise with its resolver, to hold a run open until the test releases it. */
const gate = <A = void>() => {
  let open!: (value: A) => void;
  const promise = new Promise<A>((resolve) => (open = resolve));
  return { promise, open };
};

/** Lets every pending promise callback and I/O callback run. */
const settle = async () => {
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve));
};

/** A generator of `count` inputs that records how many were pulled and whether it was closed. */
const counted = (count: number) => {
  const log = { pulled: 0, closed: false };
  async function* inputs() {
    try {
      for (let index = 0; index < count; index++) {
        log.pulled++;
        yield index;
      }
    } finally {
      log.closed = true;
    }
  }
  return { log, inputs: inputs() };
};

/** A pipeline whose run for input `n` waits until the test opens gate `n`. */
const gated = (count: number) => {
  const gates = Array.from({ length: count }, () => gate());
  const started: number[] = [];
  const finished: number[] = [];
  const p = pipeline<number>("gated").step("wait", async (ctx) => {
    started.push(ctx.input);
    await gates[ctx.input]!.promise;
    finished.push(ctx.input);
    return ctx.input * 10;
  });
  return { p, gates, started, finished };
};

describe("runMany", () => {
  it("resolves one outcome per input in input order, whatever order the runs finish in", async () => {
    const { p, gates, finished } = gated(3);
    const batch = p.runMany([0, 1, 2], { concurrency: 3 });
    await settle();
    for (const index of [2, 0, 1]) {
      gates[index]!.open();
      await settle();
    }
    const outcomes = await batch;
    expect(finished).toEqual([2, 0, 1]);
    expect(outcomes.map((outcome) => outcome.index)).toEqual([0, 1, 2]);
    expect(outcomes.map((outcome) => outcome.ok && outcome.result.output)).toEqual([0, 10, 20]);
    expectTypeOf(outcomes[0]!).toMatchTypeOf<{ ok: true; result: { output: number } } | { ok: false; error: PipelineError }>();
  });

  it("reports a failed input and goes on with the others", async () => {
    const p = pipeline<number>("odd").step("check", (ctx) => {
      if (ctx.input % 2 === 1) throw new Error(`odd input ${ctx.input}`);
      return ctx.input;
    });
    const outcomes = await p.runMany([0, 1, 2, 3, 4], { concurrency: 2 });
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true, false, true]);
    const failure = outcomes[3]!;
    expect(failure.ok).toBe(false);
    if (failure.ok) return;
    expect(failure.error).toBeInstanceOf(StepExecutionError);
    expect(failure.error.message).toContain("odd input 3");
  });

  it("with stopOnError, stops pulling at the first failure and interrupts the runs in flight", async () => {
    const aborted = gate<unknown>();
    const p = pipeline<number>("stopper").step("work", (ctx) => {
      if (ctx.input === 1) throw new Error("input 1 is bad");
      ctx.signal.addEventListener("abort", () => aborted.open(ctx.input));
      return new Promise<number>(() => undefined);
    });
    const { log, inputs } = counted(100);
    const outcomes = await p.runMany(inputs, { concurrency: 2, stopOnError: true });
    expect(await aborted.promise).toBe(0);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ ok: false, index: 0, error: expect.any(PipelineCancelledError) });
    expect(outcomes[1]).toMatchObject({ ok: false, index: 1, error: expect.any(StepExecutionError) });
    expect(log.pulled).toBe(2);
    expect(log.closed).toBe(true);
  });

  it("pulls inputs lazily: never more than `concurrency` ahead of the runs that finished", async () => {
    const { log, inputs } = counted(50);
    const release = gate();
    let completed = 0;
    let furthestAhead = 0;
    const p = pipeline<number>("lazy").step("work", async (ctx) => {
      furthestAhead = Math.max(furthestAhead, log.pulled - completed);
      if (ctx.input < 3) await release.promise;
      completed++;
      return ctx.input;
    });
    const batch = p.runMany(inputs, { concurrency: 3 });
    await settle();
    expect(log.pulled).toBe(3);
    release.open();
    const outcomes = await batch;
    expect(outcomes).toHaveLength(50);
    expect(furthestAhead).toBeLessThanOrEqual(3);
    expect(log.pulled).toBe(50);
  });

  it("counts what runs spent in its progress even when keep: \"output\" drops their usage", async () => {
    mock.server.setResponder(() => ({ content: "ok", usage: { inputTokens: 1_000, outputTokens: 100 } }));
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline<number>("compactSpend", { client: mock.client }).step("write", async (ctx) => (await ctx.run(writer, `n${ctx.input}`)).output);
    const progress: BatchProgress[] = [];
    const outcomes = await p.runMany([1, 2, 3], { keep: "output", concurrency: 2, onProgress: (event) => progress.push(event) });
    expect(outcomes.map((outcome) => outcome.ok && outcome.result)).toEqual([
      { status: "completed", output: "ok" },
      { status: "completed", output: "ok" },
      { status: "completed", output: "ok" },
    ]);
    const billed = mock.server.totalBilled();
    expect(billed.responses).toBe(3);
    expect(progress.at(-1)?.spentUsd).toBeCloseTo(gpt4oMiniCost(billed.inputTokens, billed.outputTokens) / 1e9, 12);
  });

  it("keeps only status and output of each run with keep: \"output\"", async () => {
    const p = pipeline<number>("compact")
      .step("double", (ctx) => ctx.input * 2)
      .step("check", { after: ["double"] }, (ctx) => (ctx.dep("double") > 2 ? ctx.stop({ tooBig: ctx.dep("double") }) : ctx.dep("double")));
    const outcomes = await p.runMany([1, 2], { keep: "output" });
    expect(outcomes).toEqual([
      { ok: true, index: 0, result: { status: "completed", output: 2 } },
      { ok: true, index: 1, result: { status: "stopped", output: undefined, stop: { stepId: "check", payload: { tooBig: 4 } } } },
    ]);
    const first = outcomes[0]!;
    if (first.ok) {
      expectTypeOf(first.result).toEqualTypeOf<
        | { readonly status: "completed"; readonly output: number }
        | { readonly status: "stopped"; readonly output: undefined; readonly stop: { readonly stepId: string; readonly payload: { readonly tooBig: number } } }
      >();
    }
    const full = await p.runMany([1]);
    if (full[0]!.ok) expectTypeOf(full[0]!.result.trace).toEqualTypeOf<ReadonlyArray<PipelineEvent>>();
  });

  it("takes arrays, sets and other iterables", async () => {
    const p = pipeline<string>("upper").step("upper", (ctx) => ctx.input.toUpperCase());
    const outcomes = await p.runMany(new Set(["a", "b"]));
    expect(outcomes.map((outcome) => outcome.ok && outcome.result.output)).toEqual(["A", "B"]);
  });

  it("reports progress as runs start and finish", async () => {
    const p = pipeline<number>("progress").step("check", (ctx) => {
      if (ctx.input === 1) throw new Error("bad");
      return ctx.input;
    });
    const events: BatchProgress[] = [];
    await p.runMany([0, 1], { concurrency: 1, onProgress: (progress) => events.push(progress) });
    expect(events).toEqual([
      { done: 0, failed: 0, running: 1, total: 2, spentUsd: 0 },
      { done: 1, failed: 0, running: 0, total: 2, spentUsd: 0 },
      { done: 1, failed: 0, running: 1, total: 2, spentUsd: 0 },
      { done: 2, failed: 1, running: 0, total: 2, spentUsd: 0 },
    ]);
  });

  it("stops when its signal aborts, keeping what finished", async () => {
    const { p, gates } = gated(4);
    const controller = new AbortController();
    const batch = p.runMany([0, 1, 2, 3], { concurrency: 2, signal: controller.signal });
    gates[0]!.open();
    await settle();
    controller.abort("enough");
    const outcomes = await batch;
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, false]);
    expect(outcomes[2]).toMatchObject({ ok: false, error: expect.any(PipelineCancelledError) });
  });

  it("rejects when its inputs fail to produce the next input, after the runs in flight settle", async () => {
    const p = pipeline<number>("source").step("id", (ctx) => ctx.input);
    async function* broken() {
      yield 1;
      throw new Error("the cursor closed");
    }
    await expect(p.runMany(broken())).rejects.toThrow("the cursor closed");
  });

  it("stops at its shared cost budget, interrupting the runs in flight", async () => {
    mock.server.setResponder((request) =>
      JSON.stringify(request.messages).includes("expensive")
        ? { content: "pricey", usage: { inputTokens: 100_000, outputTokens: 10_000 } }
        : { content: "slow", latencyMs: 5_000 },
    );
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline<string>("spend", { client: mock.client }).step("write", async (ctx) => {
      if (ctx.input === "expensive") await mock.server.waitForRequests(2);
      return (await ctx.run(writer, ctx.input)).output;
    });
    const { log, inputs } = counted(10);
    const texts = (async function* () {
      for await (const index of inputs) yield index === 2 ? "expensive" : `slow ${index}`;
    })();
    const progress: BatchProgress[] = [];
    const started = performance.now();
    const outcomes = await p.runMany(texts, { concurrency: 3, costBudget: 0.01, onProgress: (event) => progress.push(event) });
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(outcomes).toHaveLength(3);
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).toMatchObject({ _tag: "CostBudgetExceededError", scope: "batch" });
    }
    expect(outcomes[2]!.ok === false && outcomes[2]!.error).toBeInstanceOf(CostBudgetExceededError);
    expect(log.pulled).toBe(3);
    expect(progress.at(-1)?.spentUsd).toBeCloseTo((100_000 * 150 + 10_000 * 600) / 1e9, 9);
    await mock.server.idle();
    expect(mock.server.requests.filter((request) => request.aborted)).toHaveLength(2);
  });
});

describe("runMany's budget", () => {
  it("stops at the first call its shared budget refuses, pulling nothing more", async () => {
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 100_000 });
    const p = pipeline<number>("refused", { client: mock.client }).step("write", async (ctx) => (await ctx.run(writer, `n${ctx.input}`)).output);
    const { log, inputs } = counted(10);
    const outcomes = await p.runMany(inputs, { concurrency: 1, costBudget: 0.001 });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { _tag: "CostBudgetExceededError", scope: "batch", refused: true } });
    expect(log.pulled).toBe(1);
    expect(mock.server.requests).toHaveLength(0);
  });
});

describe("stream", () => {
  it("yields outcomes in the order runs finish, with each input's index", async () => {
    const { p, gates } = gated(3);
    const order: number[] = [];
    const reading = (async () => {
      for await (const outcome of p.stream([0, 1, 2], { concurrency: 3 })) order.push(outcome.index);
    })();
    await settle();
    for (const index of [2, 0, 1]) {
      gates[index]!.open();
      await settle();
    }
    await reading;
    expect(order).toEqual([2, 0, 1]);
  });

  it("pulls no further than `concurrency` ahead of what its reader has taken", async () => {
    const { log, inputs } = counted(20);
    const p = pipeline<number>("fast").step("id", (ctx) => ctx.input);
    const stream = p.stream(inputs, { concurrency: 2 });
    const first = await stream.next();
    expect(first.value).toMatchObject({ ok: true, index: 0 });
    await settle();
    expect(log.pulled).toBe(3);
    let taken = 1;
    for await (const _ of stream) taken++;
    expect(taken).toBe(20);
  });

  it("stops the batch and interrupts its runs when the reader leaves early", async () => {
    const aborted = gate<number>();
    const p = pipeline<number>("leave").step("work", (ctx) => {
      if (ctx.input === 0) return 0;
      ctx.signal.addEventListener("abort", () => aborted.open(ctx.input));
      return new Promise<number>(() => undefined);
    });
    const { log, inputs } = counted(100);
    for await (const outcome of p.stream(inputs, { concurrency: 2 })) {
      expect(outcome.index).toBe(0);
      break;
    }
    expect(await aborted.promise).toBe(1);
    expect(log.closed).toBe(true);
    expect(log.pulled).toBeLessThanOrEqual(3);
  });
});

describe("runEach", () => {
  it("yields each outcome as its run finishes; `stream` is its deprecated alias and yields the same", async () => {
    const p = pipeline<number>("each").step("double", async (ctx) => ctx.input * 2);
    const each: unknown[] = [];
    for await (const outcome of p.runEach([1, 2, 3], { concurrency: 1 })) each.push(outcome.ok && outcome.result.output);
    const streamed: unknown[] = [];
    for await (const outcome of p.stream([1, 2, 3], { concurrency: 1 })) streamed.push(outcome.ok && outcome.result.output);
    expect(each).toEqual([2, 4, 6]);
    expect(streamed).toEqual(each);
  });

  it("shares one environment across the batch's runs: the batch's budget is charged by every run's calls", async () => {
    mock.server.setResponder(() => ({ content: "ok", usage: { inputTokens: 1000, outputTokens: 10 } }));
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 10 });
    const p = pipeline<number>("charged", { client: mock.client }).step("write", async (ctx) => (await ctx.run(writer, "hi")).output);
    const outcomes: boolean[] = [];
    for await (const outcome of p.runEach([1, 2, 3, 4], { concurrency: 1, costBudget: (gpt4oMiniCost(1000, 10) * 2.5) / 1e9 })) outcomes.push(outcome.ok);
    // The third call crosses the budget (its billed tokens far exceed its reservation): that run fails, the fourth input is never pulled.
    expect(outcomes).toEqual([true, true, false]);
    expect(mock.server.totalBilled().responses).toBe(3);
  });
});

describe("batch warnings", () => {
  it("prints no MaxListenersExceededWarning at a concurrency above 10", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const p = pipeline<number>("wide_batch").step("wait", (ctx) => new Promise<number>((resolve) => setTimeout(() => resolve(ctx.input), 5)));
      const outcomes = await p.runMany(Array.from({ length: 40 }, (_, index) => index), { concurrency: 20 });
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      await settle();
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});
