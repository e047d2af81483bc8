import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AgentConfigError,
  AgentRequestError,
  BudgetScope,
  CallSkippedError,
  CostBudgetExceededError,
  agent,
  tool,
  type AgentCallEvent,
  type ToolContext,
} from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: PromiseLike<unknown>) =>
  Promise.resolve(promise).then(() => expect.unreachable("the call should reject"), (error: unknown) => error);

/** What a standalone call's errors must not say: there is no step or pipeline. */
const expectNoPipelineWords = (error: unknown) => {
  const message = (error as Error).message;
  expect(message).not.toMatch(/step|pipeline/i);
};

describe("agent.run outside any pipeline", () => {
  it("returns validated structured output with exact usage and cost", async () => {
    const extractor = agent({ model: "openai:gpt-4o-mini", system: "Extract entities.", output: z.object({ entities: z.array(z.string()) }) });
    mock.server.script({ json: { entities: ["Apple"] }, usage: { inputTokens: 1000, outputTokens: 40 } });
    const response = await extractor.run("Extract: Apple announced the M5", { client: mock.client });
    expect(response.output.entities).toEqual(["Apple"]);
    expect(response.usage).toMatchObject({ inputTokens: 1000, outputTokens: 40, costNanoUsd: gpt4oMiniCost(1000, 40), calls: 1 });
    expect(response.turns).toBe(1);
    const body = mock.server.requests[0]!.body as { model: string; response_format: { type: string } };
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.response_format.type).toBe("json_schema");
    expect(mock.server.requests[0]!.headers["x-stainless-retry-count"]).toBe("0");
  });

  it("uses the agent's own client over the call's", async () => {
    const own = agent({ model: "gpt-4o-mini", client: mock.client });
    mock.server.script({ content: "from the agent's client" });
    const response = await own.run("Hi", { client: { chat: undefined } as never });
    expect(response.output).toBe("from the agent's client");
  });

  it("does not retry by default, and retries transient failures with `retries`", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.failNext(1, { type: "status", status: 500 });
    const error = await rejection(writer.run("Hi", { client: mock.client }));
    expect(error).toBeInstanceOf(AgentRequestError);
    expect(mock.server.requests).toHaveLength(1);

    mock.server.reset();
    mock.server.failNext(2, { type: "status", status: 503 });
    mock.server.script({ content: "third time" });
    const response = await writer.run("Hi", { client: mock.client, retries: 2, retryDelay: 1 });
    expect(response.output).toBe("third time");
    expect(mock.server.requests).toHaveLength(3);
  });

  it("bounds each attempt by `timeout` and retries a timed-out attempt", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.script({ content: "slow", latencyMs: 2000 }, { content: "slow again", latencyMs: 2000 });
    const events: AgentCallEvent[] = [];
    const error = await rejection(writer.run("Hi", { client: mock.client, timeout: 50, retries: 1, retryDelay: 1, onEvent: (event) => events.push(event) }));
    expect(error).toBeInstanceOf(AgentRequestError);
    expect((error as AgentRequestError).detail).toContain("no response within the call's timeout of 50 ms");
    expect(mock.server.requests).toHaveLength(2);
    // Both requests were sent and given up on: each is reported as abandoned before the call settles.
    expect(events.map((event) => event.abandoned !== undefined)).toEqual([true, true]);
    expectNoPipelineWords(error);
  });

  it("runs tools with the call's services, its run id, no step id and its signal", async () => {
    const seen: Array<{ services: unknown; runId: string; stepId: string | undefined; aborted: boolean }> = [];
    const orders = tool.withServices<{ db: { orders: (user: string) => string[] } }>()({
      description: "The user's orders",
      parameters: z.object({ user: z.string() }),
      execute: ({ user }, ctx) => {
        seen.push({ services: ctx.services, runId: ctx.runId, stepId: ctx.stepId, aborted: ctx.signal.aborted });
        return ctx.services.db.orders(user);
      },
    });
    const assistant = agent({ model: "gpt-4o-mini", tools: { orders } });
    mock.server.script(
      { toolCalls: [{ name: "orders", arguments: { user: "ada" } }], usage: { inputTokens: 50, outputTokens: 10 } },
      { content: "Ada ordered a lamp.", usage: { inputTokens: 70, outputTokens: 6 } },
    );
    const db = { orders: (user: string) => [`${user}: lamp`] };
    const response = await assistant.run("What did Ada order?", { client: mock.client, services: { db }, runId: "run-7" });
    expect(response.output).toBe("Ada ordered a lamp.");
    expect(response.toolCalls).toEqual([{ name: "orders", arguments: { user: "ada" }, result: ["ada: lamp"] }]);
    expect(response.usage).toMatchObject({ inputTokens: 120, outputTokens: 16, calls: 2 });
    expect(seen).toEqual([{ services: { db }, runId: "run-7", stepId: undefined, aborted: false }]);
  });

  it("gives each call its own run id unless one is given", async () => {
    const runIds: string[] = [];
    const probe = tool({
      description: "probe",
      parameters: z.object({}),
      execute: (_args, ctx: ToolContext) => {
        runIds.push(ctx.runId);
        return "ok";
      },
    });
    const assistant = agent({ model: "gpt-4o-mini", tools: { probe } });
    for (let call = 0; call < 2; call++) {
      mock.server.script({ toolCalls: [{ name: "probe", arguments: {} }] }, { content: "done" });
      await assistant.run("Go", { client: mock.client });
    }
    expect(runIds).toHaveLength(2);
    expect(runIds[0]).not.toBe(runIds[1]);
    expect(runIds[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a request whose worst case does not fit its costBudget, before sending anything", async () => {
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 100_000 });
    const error = await rejection(writer.run("Hi", { client: mock.client, costBudget: 0.001 }));
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    expect(error).toMatchObject({ scope: "call", refused: true, stepId: undefined, budgetUsd: 0.001 });
    expect((error as Error).message).toContain("the call's budget");
    expectNoPipelineWords(error);
    expect(mock.server.requests).toHaveLength(0);
  });

  it("rejects with the budget's error when spend crosses costBudget", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    // No maxTokens: the reservation is the prompt's estimate, and the billed reply then crosses the budget.
    mock.server.script({ content: "expensive", usage: { inputTokens: 10_000, outputTokens: 10 } });
    const error = await rejection(writer.run("Hi", { client: mock.client, costBudget: 0.0001 }));
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    expect(error).toMatchObject({ scope: "call", refused: false, stepId: undefined });
    expect((error as Error).message).toContain("spend crossed the call's budget; the call was interrupted");
  });

  it("charges every call to a shared BudgetScope, refusing once it is spent", async () => {
    const shared = new BudgetScope({ limitUsd: 0.0002, scope: "batch" });
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 10 });
    mock.server.script({ content: "one", usage: { inputTokens: 1000, outputTokens: 10 } });
    await writer.run("Hi", { client: mock.client, budgets: [shared] });
    expect(shared.spentNanoUsd).toBe(gpt4oMiniCost(1000, 10));
    const error = await rejection(writer.run("Hi ".repeat(2000), { client: mock.client, budgets: [shared] }));
    expect(error).toMatchObject({ _tag: "CostBudgetExceededError", scope: "batch", refused: true, stepId: undefined });
    expect((error as Error).message).toContain("a model call was refused before sending");
    expect(mock.server.requests).toHaveLength(1);
  });

  it("prices with the call's pricing, and refuses an unpriced model only under a budget", async () => {
    const local = agent({ model: "local-llama" });
    mock.server.script({ content: "cheap", usage: { inputTokens: 1000, outputTokens: 100 } });
    const priced = await local.run("Hi", { client: mock.client, pricing: { "local-llama": { input: 1, output: 2 } } });
    expect(priced.usage.costNanoUsd).toBe(1000 * 1000 + 100 * 2000);
    mock.server.script({ content: "unpriced" });
    expect((await local.run("Hi", { client: mock.client })).usage.costNanoUsd).toBeNull();
    const error = await rejection(local.run("Hi", { client: mock.client, costBudget: 1 }));
    expect(error).toMatchObject({ _tag: "UnknownModelPriceError", model: "local-llama" });
    expect((error as Error).message).toContain("on the agent or agent.run");
    expectNoPipelineWords(error);
  });

  it("aborts the request in flight when its signal aborts, rejecting with the signal's reason", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.script({ content: "never read", latencyMs: 5000 });
    const controller = new AbortController();
    const events: AgentCallEvent[] = [];
    const call = writer.run("Hi", { client: mock.client, signal: controller.signal, onEvent: (event) => events.push(event) });
    await mock.server.waitForRequests(1);
    const reason = new Error("user left");
    controller.abort(reason);
    expect(await rejection(call)).toBe(reason);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "call", model: "gpt-4o-mini", abandoned: { reservedNanoUsd: 0 } });
    await mock.server.idle();
    expect(mock.server.requests[0]!.aborted).toBe(true);
  });

  it("sends nothing when its signal is already aborted", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    const error = await rejection(writer.run("Hi", { client: mock.client, signal: controller.signal }));
    expect((error as Error).message).toBe("too late");
    expect(mock.server.requests).toHaveLength(0);
  });

  it("runs the call's hooks, then the agent's, around each request, and a skip sends nothing and is not retried", async () => {
    const seen: string[] = [];
    const hooked = agent({
      model: "gpt-4o-mini",
      hooks: { beforeCall: (request) => void seen.push(`agent before ${request.callAttempt}`), afterCall: () => void seen.push("agent after") },
    });
    mock.server.script({ status: 500 }, { content: "ok" });
    const response = await hooked.run("Hi", {
      client: mock.client,
      retries: 1,
      retryDelay: 0,
      hooks: {
        beforeCall: (request) => {
          expect(request).toMatchObject({ stepId: "", model: "gpt-4o-mini", stepAttempt: 1 });
          seen.push(`call before ${request.callAttempt}`);
        },
        afterCall: (outcome) => void seen.push(`call after ${outcome.ok}`),
      },
    });
    expect(response.output).toBe("ok");
    expect(seen).toEqual(["call before 1", "agent before 1", "call after false", "agent after", "call before 2", "agent before 2", "call after true", "agent after"]);

    mock.server.reset();
    const skipped = await rejection(
      hooked.run("Hi", { client: mock.client, retries: 3, hooks: { beforeCall: () => { throw new CallSkippedError({ reason: "quota" }); } } }),
    );
    expect(skipped).toBeInstanceOf(CallSkippedError);
    expect(mock.server.requests).toHaveLength(0);
  });

  it("refuses hooks that are not functions with AgentConfigError", async () => {
    const error = await rejection(agent({ model: "gpt-4o-mini" }).run("Hi", { client: mock.client, hooks: { beforeCall: 1 as never } }));
    expect(error).toBeInstanceOf(AgentConfigError);
    expect((error as Error).message).toContain("hooks.beforeCall must be a function");
  });

  it("refuses bad options with AgentConfigError naming the model, before sending anything", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    const retries = await rejection(writer.run("Hi", { client: mock.client, retries: -1 }));
    expect(retries).toBeInstanceOf(AgentConfigError);
    expect((retries as Error).message).toContain('call to "gpt-4o-mini": retries');
    expectNoPipelineWords(retries);
    const budget = await rejection(writer.run("Hi", { client: mock.client, costBudget: -1 }));
    expect(budget).toBeInstanceOf(AgentConfigError);
    expect((budget as Error).message).toContain("costBudget");
    expect(mock.server.requests).toHaveLength(0);
  });

  it("says where to pass a client when the default one cannot be made", async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    try {
      const error = await rejection(agent({ model: "gpt-4o-mini" }).run("Hi"));
      expect(error).toBeInstanceOf(AgentConfigError);
      expect((error as Error).message).toContain("Set OPENAI_API_KEY, or pass `client` to the agent or to agent.run / agent.stream.");
      expectNoPipelineWords(error);
    } finally {
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key;
    }
  });
});

describe("agent.stream outside any pipeline", () => {
  it("streams text deltas and resolves to the response with usage", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.script({ content: "one two three", usage: { inputTokens: 12, outputTokens: 3 } });
    const stream = writer.stream("Count", { client: mock.client });
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    const response = await stream;
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("one two three");
    expect(response.usage).toMatchObject({ inputTokens: 12, outputTokens: 3, costNanoUsd: gpt4oMiniCost(12, 3) });
  });

  it("retries a failure before the first delta unseen", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.failNext(1, { type: "status", status: 500 });
    mock.server.script({ content: "once" });
    const stream = writer.stream("Hi", { client: mock.client, retries: 1, retryDelay: 1 });
    let text = "";
    for await (const delta of stream) text += delta;
    expect(text).toBe("once");
    expect(mock.server.requests).toHaveLength(2);
  });

  it("refuses an agent with tools, pointing at agent.run", async () => {
    const probe = tool({ description: "probe", parameters: z.object({}), execute: () => "ok" });
    const error = await rejection(agent({ model: "gpt-4o-mini", tools: { probe } }).stream("Hi", { client: mock.client }).response);
    expect(error).toBeInstanceOf(AgentConfigError);
    expect((error as Error).message).toContain("use agent.run for tool calls, agent.stream for plain replies");
  });

  it("fails both the iteration and the response for a bad option", async () => {
    const stream = agent({ model: "gpt-4o-mini" }).stream("Hi", { client: mock.client, rateLimit: -5 });
    await expect(stream.response).rejects.toBeInstanceOf(AgentConfigError);
    const iterate = async () => {
      for await (const _delta of stream) expect.unreachable();
    };
    await expect(iterate()).rejects.toBeInstanceOf(AgentConfigError);
  });
});
