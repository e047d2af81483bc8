/**
 * Dispatch hooks: `beforeCall` and `afterCall` on the agent, the pipeline and
 * the run, around every model request (tool-loop turns, retry attempts,
 * streams), after pacing and reservation; `CallSkippedError` skips a request
 * unretried, and an `afterCall` error fails the call unretried.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AgentConfigError,
  AgentRequestError,
  agent,
  BudgetScope,
  CallSkippedError,
  pipeline,
  PipelineDefinitionError,
  router,
  StepExecutionError,
  tool,
  type CallHookEvent,
  type CallHooks,
  type CallOutcome,
  type CallRequest,
} from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();

/** Hooks that write what they see to `log`, as `name:phase`. */
const recording = (name: string, log: string[], requests: CallRequest[] = [], outcomes: CallOutcome[] = []): CallHooks => ({
  beforeCall: (request) => {
    log.push(`${name}:before`);
    requests.push(request);
  },
  afterCall: (outcome) => {
    log.push(`${name}:after`);
    outcomes.push(outcome);
  },
});

const failure = async (promise: Promise<unknown>): Promise<StepExecutionError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StepExecutionError);
    return error as StepExecutionError;
  }
  return expect.unreachable("the run should fail");
};

class QuotaExceeded extends CallSkippedError {}

describe("dispatch hooks", () => {
  it("run every level around each request, outermost first: run, pipeline (configure's), agent", async () => {
    const log: string[] = [];
    const requests: CallRequest[] = [];
    const outcomes: CallOutcome[] = [];
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 50, hooks: recording("agent", log) });
    mock.server.script({ content: "hello", usage: { inputTokens: 12, outputTokens: 3 } });
    const p = pipeline("hooked", { client: mock.client, hooks: recording("replaced", log) })
      .step("write", async (ctx) => {
        const { output } = await ctx.run(writer, "Say hello");
        return { output, runId: ctx.runId };
      })
      .configure({ hooks: [recording("pipeline", log, requests, outcomes)] });
    const result = await p.run(undefined, { hooks: recording("run", log), costBudget: 1 });
    expect(log).toEqual(["run:before", "pipeline:before", "agent:before", "run:after", "pipeline:after", "agent:after"]);
    const [request] = requests;
    expect(request).toMatchObject({
      pipeline: "hooked",
      stepId: "write",
      runId: result.output.runId,
      stepAttempt: 1,
      callAttempt: 1,
      turn: 1,
      model: "gpt-4o-mini",
      stream: false,
      maxTokens: 50,
      messages: [{ role: "user", content: "Say hello" }],
    });
    expect(request!.estimatedInputTokens).toBeGreaterThan(0);
    // The worst case reserved: the estimate plus maxTokens at gpt-4o-mini's prices.
    expect(request!.reservedNanoUsd).toBe(gpt4oMiniCost(request!.estimatedInputTokens, 50));
    expect(Object.isFrozen(request)).toBe(true);
    const [outcome] = outcomes;
    expect(outcome).toMatchObject({ ok: true, request, text: "hello", usage: { inputTokens: 12, outputTokens: 3, calls: 1, costNanoUsd: gpt4oMiniCost(12, 3) } });
  });

  it("show the estimate without a budget, and no reservation", async () => {
    const requests: CallRequest[] = [];
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline("nobudget", { client: mock.client }).step("write", async (ctx) => (await ctx.run(writer, "A prompt of some words")).output);
    await p.run(undefined, { hooks: recording("run", [], requests) });
    expect(requests[0]!.estimatedInputTokens).toBeGreaterThan(0);
    expect(requests[0]!.reservedNanoUsd).toBeUndefined();
  });

  it("run for every tool-loop turn and every retry attempt, seeing failures as outcomes", async () => {
    const requests: CallRequest[] = [];
    const outcomes: CallOutcome[] = [];
    const weather = tool({ description: "Weather", parameters: z.object({ city: z.string() }), execute: ({ city }) => `sunny in ${city}` });
    const forecaster = agent({ model: "gpt-4o-mini", tools: { weather } });
    mock.server.script({ toolCalls: [{ name: "weather", arguments: { city: "Oslo" } }] }, { content: "Sunny." }, { content: "Still sunny." });
    const p = pipeline("loop", { client: mock.client, hooks: recording("p", [], requests, outcomes) }).step("ask", async (ctx) => {
      const first = await ctx.run(forecaster, "Weather in Oslo?");
      mock.server.failNext(1, { type: "status", status: 500 });
      const second = await ctx.run(forecaster, "Again?", { retries: 1, retryDelay: 1 });
      return [first.turns, second.output];
    });
    const result = await p.run();
    expect(result.output).toEqual([2, "Still sunny."]);
    expect(requests.map((request) => [request.turn, request.callAttempt])).toEqual([
      [1, 1],
      [2, 1],
      [1, 1],
      [1, 2],
    ]);
    // The second turn sends the tool's result.
    expect(requests[1]!.messages.at(-1)).toMatchObject({ role: "tool", content: "sunny in Oslo" });
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false, true]);
    const failed = outcomes[2]!;
    expect(!failed.ok && failed.error).toBeInstanceOf(AgentRequestError);
  });

  it("skip a request with CallSkippedError: nothing sent, reservation released, no call or step retry", async () => {
    const before: CallRequest[] = [];
    const after: CallOutcome[] = [];
    const budget = new BudgetScope({ limitUsd: 1, scope: "batch" });
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 100 });
    const p = pipeline("skipped", { client: mock.client }).step("write", { retries: 2, retryDelay: 1, call: { retries: 3, retryDelay: 1 } }, async (ctx) =>
      (await ctx.run(writer, "hi")).output,
    );
    const hooks: CallHooks = {
      beforeCall: (request) => {
        before.push(request);
        throw new QuotaExceeded({ reason: "tenant over quota" });
      },
      afterCall: (outcome) => void after.push(outcome),
    };
    const error = await failure(p.run(undefined, { hooks, budgets: [budget] }));
    expect(error.cause).toBeInstanceOf(QuotaExceeded);
    expect(error.cause).toBeInstanceOf(CallSkippedError);
    expect((error.cause as CallSkippedError).message).toContain("tenant over quota");
    expect(error.attempts).toBe(1);
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(0);
    expect(mock.server.requests).toHaveLength(0);
    expect(before[0]!.reservedNanoUsd).toBeGreaterThan(0);
    expect(budget.reservedNanoUsd).toBe(0);
    expect(budget.spentNanoUsd).toBe(0);
    // In the trace: the hook, skipped; no model call.
    const hookEvents = error.partial.trace.filter((event): event is CallHookEvent => event.type === "hook");
    expect(hookEvents).toMatchObject([{ hook: "beforeCall", stepId: "write", model: "gpt-4o-mini", skipped: true }]);
    expect(error.partial.trace.some((event) => event.type === "call")).toBe(false);
    expect(error.partial.usage.calls + error.partial.usage.abandonedCalls).toBe(0);
  });

  it("fail the call unretried with whatever a beforeCall hook throws", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    const thrown = new Error("breaker bug");
    let calls = 0;
    const p = pipeline("thrown", { client: mock.client }).step("write", { retries: 2, retryDelay: 1 }, async (ctx) => (await ctx.run(writer, "hi")).output);
    const error = await failure(
      p.run(undefined, {
        hooks: {
          beforeCall: () => {
            calls++;
            throw thrown;
          },
        },
      }),
    );
    expect(error.cause).toBe(thrown);
    expect(calls).toBe(1);
    expect(mock.server.requests).toHaveLength(0);
    expect(error.partial.trace.find((event) => event.type === "hook")).toMatchObject({ error: thrown });
    expect(error.partial.trace.find((event) => event.type === "hook")).not.toHaveProperty("skipped");
  });

  it("fail the call with an afterCall error, unretried, after every afterCall hook has seen the outcome", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    const seen: string[] = [];
    const audit = new Error("audit log down");
    const p = pipeline("after", { client: mock.client, hooks: { afterCall: () => void seen.push("pipeline") } }).step(
      "write",
      { retries: 2, retryDelay: 1, call: { retries: 2, retryDelay: 1 } },
      async (ctx) => (await ctx.run(writer, "hi")).output,
    );
    const error = await failure(
      p.run(undefined, {
        hooks: {
          afterCall: () => {
            seen.push("run");
            throw audit;
          },
        },
      }),
    );
    expect(error.cause).toBe(audit);
    expect(error.attempts).toBe(1);
    expect(seen).toEqual(["run", "pipeline"]);
    // The request was sent and billed; its usage is counted.
    expect(mock.server.requests).toHaveLength(1);
    expect(error.partial.usage.calls).toBe(1);
  });

  it("run around streams too, and a skip fails the stream", async () => {
    const log: string[] = [];
    const requests: CallRequest[] = [];
    const outcomes: CallOutcome[] = [];
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.script({ content: "streamed text" });
    const p = pipeline("streams", { client: mock.client }).step("write", async (ctx) => {
      const stream = ctx.stream(writer, "hi");
      let text = "";
      for await (const delta of stream) text += delta;
      return text;
    });
    expect((await p.run(undefined, { hooks: recording("run", log, requests, outcomes) })).output).toBe("streamed text");
    expect(log).toEqual(["run:before", "run:after"]);
    expect(requests[0]).toMatchObject({ stream: true, turn: 1, callAttempt: 1 });
    expect(outcomes[0]).toMatchObject({ ok: true, text: "streamed text", usage: { calls: 1 } });
    mock.server.reset();
    const skip: CallHooks = {
      beforeCall: () => {
        throw new CallSkippedError({ reason: "no streams today" });
      },
    };
    const error = await failure(p.run(undefined, { hooks: skip }));
    expect(error.cause).toBeInstanceOf(CallSkippedError);
    expect(mock.server.requests).toHaveLength(0);
  });

  it("let a parent run's hooks see a sub-pipeline's and a router's requests, once each", async () => {
    const requests: CallRequest[] = [];
    const writer = agent({ model: "gpt-4o-mini" });
    const inner = pipeline("inner", { hooks: recording("inner", [], []) }).step("call", async (ctx) => (await ctx.run(writer, "inner")).output);
    const routed = router("pick", {
      routes: { inner },
      route: async (_input, ctx) => {
        await ctx.run(writer, "route");
        return "inner" as const;
      },
    });
    const p = pipeline("outer", { client: mock.client })
      .step("sub", inner.asStep(() => undefined))
      .step("routed", routed.asStep(() => undefined));
    await p.run(undefined, { hooks: recording("run", [], requests) });
    expect(requests.map((request) => `${request.pipeline}:${request.stepId}`)).toEqual(["inner:call", "pick:pick", "inner:call"]);
    expect(mock.server.requests).toHaveLength(3);
    // The router given hooks directly runs them once per request, not once for it and once for its route.
    const direct: CallRequest[] = [];
    await routed.run(undefined, { client: mock.client, hooks: recording("direct", [], direct) });
    expect(direct).toHaveLength(2);
  });

  it("apply to every run of a batch, once per request", async () => {
    const requests: CallRequest[] = [];
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline<string>("batch", { client: mock.client }).step("write", async (ctx) => (await ctx.run(writer, ctx.input)).output);
    const outcomes = await p.runMany(["a", "b", "c"], { hooks: recording("batch", [], requests), concurrency: 2 });
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(requests.map((request) => request.messages[0]!.content).sort()).toEqual(["a", "b", "c"]);
  });

  it("are awaited, see the request's signal, and their time is in the trace", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline("slow", { client: mock.client }).step("write", async (ctx) => (await ctx.run(writer, "hi")).output);
    const result = await p.run(undefined, {
      hooks: {
        beforeCall: () => new Promise((resolve) => setTimeout(resolve, 40)),
        afterCall: () => new Promise((resolve) => setTimeout(resolve, 20)),
      },
    });
    const events = result.trace.filter((event) => event.type === "hook" || event.type === "call").map((event) => (event.type === "hook" ? event.hook : "call"));
    expect(events).toEqual(["beforeCall", "call", "afterCall"]);
    const [before, call, after] = result.trace.filter((event) => event.type === "hook" || event.type === "call") as [CallHookEvent, { startedAt: number }, CallHookEvent];
    expect(before.durationMs).toBeGreaterThanOrEqual(35);
    expect(after.durationMs).toBeGreaterThanOrEqual(15);
    // The call's own time starts when it is sent: after its beforeCall hooks, before its afterCall hooks.
    expect(call.startedAt).toBeGreaterThanOrEqual(before.startedAt + before.durationMs);
    expect(after.startedAt).toBeGreaterThanOrEqual(before.startedAt + before.durationMs);
  });

  it("see the step's abort: a step timeout during beforeCall aborts its signal and sends nothing", async () => {
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 20 });
    const budget = new BudgetScope({ limitUsd: 1, scope: "batch" });
    let aborted = false;
    const p = pipeline("abort", { client: mock.client }).step("write", { timeout: 50 }, async (ctx) => (await ctx.run(writer, "hi")).output);
    const error = await failure(
      p.run(undefined, {
        budgets: [budget],
        hooks: {
          beforeCall: (_request, { signal }) =>
            new Promise<void>((resolve) =>
              signal.addEventListener("abort", () => {
                aborted = true;
                resolve();
              }),
            ),
        },
      }),
    );
    expect(error.cause).toMatchObject({ _tag: "StepTimeoutError" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(aborted).toBe(true);
    expect(mock.server.requests).toHaveLength(0);
    // Never sent: released, not charged as abandoned.
    expect(budget.reservedNanoUsd).toBe(0);
    expect(budget.spentNanoUsd).toBe(0);
    expect(error.partial.usage.abandonedCalls).toBe(0);
  });

  it("refuse hooks that are not functions, where they are written", async () => {
    expect(() => pipeline("p", { hooks: 3 as never })).toThrow(PipelineDefinitionError);
    expect(() => pipeline("p").configure({ hooks: { beforeCall: "yes" } as never })).toThrow(/hooks.beforeCall must be a function/);
    expect(() => agent({ model: "gpt-4o-mini", hooks: [{ afterCall: 1 }] as never })).toThrow(AgentConfigError);
    await expect(pipeline("p").step("a", () => 1).run(undefined, { hooks: null as never })).rejects.toBeInstanceOf(PipelineDefinitionError);
  });
});
