/**
 * Requests that are sent and then abandoned (a step or call timeout, a
 * cancellation) may still be finished and billed by the provider: they stay
 * charged at their reservation in every budget they fall under, and usage
 * reports them apart.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CostBudgetExceededError, StepExecutionError, StepTimeoutError, agent, pipeline, type ModelCallEvent } from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

const calls = (trace: ReadonlyArray<{ type: string }>) => trace.filter((event): event is ModelCallEvent => event.type === "call");

/** The server answers late, and bills a request the client gave up on as if it had finished it. */
const slowAndBillingAbandoned = () =>
  mock.server.setResponder(() => ({ content: "late", latencyMs: 400, billOnAbort: true, usage: { outputTokens: 100 } }));

// The first request of a process loads the tokenizer (for the reservation) and the price database; on a loaded
// machine that can take longer than these tests' 50 ms step timeouts, which would then fire before anything is sent.
beforeAll(async () => {
  const warm = agent({ model: "gpt-4o-mini", maxTokens: 5 });
  await pipeline("warm", { client: mock.client }).step("call", (ctx) => ctx.run(warm, "hello")).run(undefined, { costBudget: 1 });
  mock.server.reset();
});

describe("an abandoned request", () => {
  it("stays charged at its reservation, so retries after step timeouts cannot spend past the budget", async () => {
    slowAndBillingAbandoned();
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 100 });
    const step = (ctx: { run: (a: typeof writer, m: string) => Promise<unknown> }) => ctx.run(writer, "Summarise the report");
    // One attempt, to learn what a request reserves (a prompt of the same length).
    const probe = (await rejection(
      pipeline("probe", { client: mock.client })
        .step("write", { timeout: 50 }, (ctx) => ctx.run(writer, "Summarise the probes"))
        .run(undefined, { costBudget: 1 }),
    )) as StepExecutionError;
    const reserved = probe.partial.usage.abandonedReservedNanoUsd;
    expect(reserved).toBeGreaterThan(0);
    await mock.server.idle();
    mock.server.reset();
    slowAndBillingAbandoned();

    // Room for two and a half reservations: the third attempt must be refused, not sent.
    const budgetUsd = (reserved * 2.5) / 1e9;
    const p = pipeline("abandon", { client: mock.client }).step("write", { timeout: 50, retries: 5 }, step);
    const error = (await rejection(p.run(undefined, { costBudget: budgetUsd }))) as CostBudgetExceededError;
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    expect(error.refused).toBe(true);
    expect(error.partial?.usage).toMatchObject({ calls: 0, costNanoUsd: 0, abandonedCalls: 2, abandonedReservedNanoUsd: 2 * reserved });
    expect(error.spentUsd).toBeCloseTo((2 * reserved) / 1e9, 12);
    await mock.server.idle();
    // A probe request that reached the server late (after the reset) is not this run's.
    const ours = mock.server.requests.filter((request) => JSON.stringify(request.body).includes("the report"));
    expect(ours).toHaveLength(2);
    const ids = new Set(ours.map((request) => request.id));
    const billed = mock.server.billed.filter((bill) => ids.has(bill.requestId));
    expect(billed).toHaveLength(2);
    const billedNano = billed.reduce((sum, bill) => sum + gpt4oMiniCost(bill.inputTokens, bill.outputTokens), 0);
    expect(billedNano).toBeLessThanOrEqual(budgetUsd * 1e9);
  });

  it("is reported apart in usage and in its call event, by step and by model", async () => {
    slowAndBillingAbandoned();
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 100 });
    const p = pipeline("report", { client: mock.client, costBudget: 1 }).step("write", { timeout: 50, retries: 1 }, (ctx) => ctx.run(writer, "hi"));
    const error = (await rejection(p.run())) as StepExecutionError;
    expect(error.cause).toBeInstanceOf(StepTimeoutError);
    const { usage, trace } = error.partial;
    expect(usage.abandonedCalls).toBe(2);
    expect(usage.byStep["write"]).toMatchObject({ calls: 0, abandonedCalls: 2 });
    expect(usage.byModel["gpt-4o-mini"]).toMatchObject({ calls: 0, abandonedCalls: 2 });
    const events = calls(trace);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event.abandoned?.reservedNanoUsd).toBeGreaterThan(0);
      expect(event.costNanoUsd).toBeNull();
    }
    expect(usage.abandonedReservedNanoUsd).toBe(events.reduce((sum, event) => sum + event.abandoned!.reservedNanoUsd, 0));
  });

  it("counts a call timeout's abandoned attempt, and a later billed answer as a call", async () => {
    let first = true;
    mock.server.setResponder(() => {
      const late = first;
      first = false;
      return { content: "ok", latencyMs: late ? 400 : 0, billOnAbort: true, usage: { inputTokens: 10, outputTokens: 5 } };
    });
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline("callTimeout", { client: mock.client }).step("write", (ctx) => ctx.run(writer, "hi", { timeout: 50, retries: 1 }));
    const result = await p.run();
    expect(result.usage).toMatchObject({ calls: 1, inputTokens: 10, outputTokens: 5, abandonedCalls: 1, abandonedReservedNanoUsd: 0 });
    expect(calls(result.trace).map((event) => event.abandoned !== undefined)).toEqual([true, false]);
  });

  it("is not what an error status is: a 500 is not billed and releases its reservation", async () => {
    mock.server.failNext(1, { type: "status", status: 500 });
    mock.server.script({ content: "ok", usage: { inputTokens: 10, outputTokens: 5 } });
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 100 });
    const p = pipeline("status", { client: mock.client, costBudget: 1 }).step("write", { retries: 1 }, (ctx) => ctx.run(writer, "hi"));
    const result = await p.run();
    expect(result.usage).toMatchObject({ calls: 1, abandonedCalls: 0, abandonedReservedNanoUsd: 0, costNanoUsd: gpt4oMiniCost(10, 5) });
  });

  it("is what a stream that ends before its usage chunk is: its tokens are unknown", async () => {
    mock.server.script({ content: "a reply cut short", fault: { type: "truncated" } });
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline("stream", { client: mock.client }).step("write", async (ctx) => (await ctx.stream(writer, "hi")).usage);
    const result = await p.run();
    expect(result.output).toMatchObject({ calls: 0, inputTokens: 0, abandonedCalls: 1 });
    expect(result.usage).toMatchObject({ calls: 0, abandonedCalls: 1 });
    expect(calls(result.trace)[0]?.abandoned).toEqual({ reservedNanoUsd: 0 });
  });
});
