import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CostBudgetExceededError,
  UnknownModelPriceError,
  StepExecutionError,
  agent,
  pipeline,
} from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

describe("cost budgets", () => {
  it("refuses a call whose worst case does not fit, before sending anything", async () => {
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 100_000 });
    const p = pipeline("refuse", { client: mock.client, costBudget: 0.01 }).step("write", { retries: 2 }, (ctx) =>
      ctx.run(writer, "Write a novel"),
    );
    const error = (await rejection(p.run())) as CostBudgetExceededError;
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    expect(error.refused).toBe(true);
    expect(error.budgetUsd).toBe(0.01);
    expect(error.spentUsd).toBe(0);
    expect(error.stepId).toBe("write");
    expect(error.partial?.usage.calls).toBe(0);
    expect(mock.server.requests).toHaveLength(0);
    expect(error.partial?.trace.filter((event) => event.type === "start")).toHaveLength(1);
  });

  it("interrupts in-flight parallel calls when spend crosses the budget", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.setResponder((request) => {
      const prompt = JSON.stringify(request.messages);
      if (prompt.includes("expensive")) return { content: "pricey", usage: { inputTokens: 100_000, outputTokens: 10_000 } };
      return { content: "slow", latencyMs: 5_000 };
    });
    const p = pipeline("cross", { client: mock.client })
      .step("slowA", (ctx) => ctx.run(writer, "slow a"))
      .step("slowB", (ctx) => ctx.run(writer, "slow b"))
      .step("expensive", async (ctx) => {
        await mock.server.waitForRequests(2);
        return ctx.run(writer, "expensive");
      })
      .step("after", { after: ["expensive"] }, () => "never");
    const started = performance.now();
    const error = (await rejection(p.run(undefined, { costBudget: 0.01 }))) as CostBudgetExceededError;
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    expect(error.refused).toBe(false);
    expect(error.scope).toBe("run");
    expect(error.spentUsd).toBeCloseTo(gpt4oMiniCost(100_000, 10_000) / 1e9, 12);
    expect(error.partial?.usage.costNanoUsd).toBe(gpt4oMiniCost(100_000, 10_000));
    await mock.server.idle();
    const slow = mock.server.requests.filter((request) => JSON.stringify(request.body).includes("slow"));
    expect(slow.map((request) => request.aborted)).toEqual([true, true]);
    expect(mock.server.totalBilled().inputTokens).toBe(100_000);
  });

  it("enforces a step's own budget", async () => {
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 1000 });
    mock.server.script({ content: "ok", usage: { inputTokens: 10, outputTokens: 10 } });
    const p = pipeline("stepBudget", { client: mock.client })
      .step("cheap", { costBudget: 1 }, (ctx) => ctx.run(writer, "hi"))
      .step("tight", { costBudget: 0.0000001 }, (ctx) => ctx.run(writer, "hi"));
    const error = (await rejection(p.run())) as CostBudgetExceededError;
    expect(error.scope).toBe("step");
    expect(error.stepId).toBe("tight");
  });

  it("refuses a model without a price when a budget is in force, naming the model and the fix", async () => {
    const local = agent({ model: "llama-local" });
    const p = pipeline("unpriced", { client: mock.client, costBudget: 1 }).step("a", (ctx) => ctx.run(local, "hi"));
    const error = (await rejection(p.run())) as StepExecutionError;
    expect(error.cause).toBeInstanceOf(UnknownModelPriceError);
    expect(error.message).toContain('pricing: { "llama-local"');
    expect(mock.server.requests).toHaveLength(0);
  });

  it("never spends past the budget with maxTokens set, whatever the DAG and token counts", async () => {
    const dag = fc.array(
      fc.record({
        deps: fc.array(fc.nat(), { maxLength: 3 }),
        calls: fc.integer({ min: 1, max: 3 }),
        inputTokens: fc.integer({ min: 1, max: 2_000 }),
        outputTokens: fc.integer({ min: 0, max: 500 }),
      }),
      { minLength: 1, maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(dag, fc.integer({ min: 100_000, max: 2_000_000 }), async (steps, budgetNano) => {
        mock.server.reset();
        mock.server.setResponder((request) => {
          const prompt = String((request.messages.at(-1) as { content?: unknown }).content);
          const [, output] = /out=(\d+)/.exec(prompt) ?? [];
          // The server bills the prompt's real token count, as a provider does; the output length is drawn.
          return { content: "x", latencyMs: 1, usage: { outputTokens: Number(output) } };
        });
        const writer = agent({ model: "gpt-4o-mini", maxTokens: 500 });
        type Caller = { run(agent: unknown, message: string): Promise<unknown> };
        type Untyped = { step(id: string, options: object, run: (ctx: Caller) => unknown): Untyped; run(input?: unknown, options?: object): Promise<unknown> };
        let p = pipeline("property", { client: mock.client }) as unknown as Untyped;
        steps.forEach((step, index) => {
          const after = [...new Set(step.deps.filter((dep) => dep < index))].map((dep) => `s${dep}`);
          p = p.step(`s${index}`, { after }, async (ctx) => {
            const prompt = "x ".repeat(Math.ceil(step.inputTokens / 2));
            const calls = await Promise.allSettled(
              Array.from({ length: step.calls }, () => ctx.run(writer, `in=${step.inputTokens} out=${step.outputTokens} ${prompt}`)),
            );
            for (const call of calls) if (call.status === "rejected") throw call.reason;
          });
        });
        const budgetUsd = budgetNano / 1e9;
        const outcome = await p.run(undefined, { costBudget: budgetUsd }).then(
          (result) => (result as { usage: { costNanoUsd: number } }).usage.costNanoUsd,
          (error: unknown) => {
            if (!(error instanceof CostBudgetExceededError)) throw error;
            expect(error.refused).toBe(true);
            return error.partial!.usage.costNanoUsd!;
          },
        );
        await mock.server.idle();
        const billed = mock.server.totalBilled();
        expect(outcome).toBe(gpt4oMiniCost(billed.inputTokens, billed.outputTokens));
        expect(outcome).toBeLessThanOrEqual(budgetNano);
      }),
      { numRuns: 50 },
    );
  }, 60_000);

  it("never spends past the budget with maxTokens set, even when the server bills the requests that timeouts abandon", async () => {
    const dag = fc.array(
      fc.record({
        deps: fc.array(fc.nat(), { maxLength: 3 }),
        calls: fc.integer({ min: 1, max: 3 }),
        inputTokens: fc.integer({ min: 1, max: 2_000 }),
        // Near maxTokens, so that each billed request costs close to its reservation.
        outputTokens: fc.integer({ min: 400, max: 500 }),
        // Which attempts answer after the step's timeout (bit i: attempt i+1).
        late: fc.integer({ min: 0, max: 15 }),
        retries: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(dag, fc.integer({ min: 100_000, max: 2_000_000 }), async (steps, budgetNano) => {
        mock.server.reset();
        mock.server.setResponder((request) => {
          const prompt = String((request.messages.at(-1) as { content?: unknown }).content);
          const [, output, late] = /out=(\d+) late=(\d)/.exec(prompt) ?? [];
          // A late answer comes after the timeout, and the server bills it although the client has gone.
          return { content: "x", latencyMs: late === "1" ? 200 : 1, billOnAbort: true, usage: { outputTokens: Number(output) } };
        });
        const writer = agent({ model: "gpt-4o-mini", maxTokens: 500 });
        type Caller = { attempt: number; run(agent: unknown, message: string): Promise<unknown> };
        type Untyped = { step(id: string, options: object, run: (ctx: Caller) => unknown): Untyped; run(input?: unknown, options?: object): Promise<unknown> };
        let p = pipeline("abandoning", { client: mock.client }) as unknown as Untyped;
        steps.forEach((step, index) => {
          const after = [...new Set(step.deps.filter((dep) => dep < index))].map((dep) => `s${dep}`);
          p = p.step(`s${index}`, { after, timeout: 60, retries: step.retries }, async (ctx) => {
            const late = (step.late >> (ctx.attempt - 1)) & 1;
            const prompt = "x ".repeat(Math.ceil(step.inputTokens / 2));
            const calls = await Promise.allSettled(
              Array.from({ length: step.calls }, () => ctx.run(writer, `out=${step.outputTokens} late=${late} ${prompt}`)),
            );
            for (const call of calls) if (call.status === "rejected") throw call.reason;
          });
        });
        type Spent = { costNanoUsd: number | null; abandonedReservedNanoUsd: number };
        const usage = await p.run(undefined, { costBudget: budgetNano / 1e9 }).then(
          (result) => (result as { usage: Spent }).usage,
          (error: unknown) => {
            if (error instanceof CostBudgetExceededError) return error.partial!.usage;
            if (error instanceof StepExecutionError) return error.partial.usage;
            throw error;
          },
        );
        await mock.server.idle();
        const billed = mock.server.totalBilled();
        expect(gpt4oMiniCost(billed.inputTokens, billed.outputTokens)).toBeLessThanOrEqual(budgetNano);
        expect(usage.costNanoUsd! + usage.abandonedReservedNanoUsd).toBeLessThanOrEqual(budgetNano);
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});

describe("a step's own budget", () => {
  it("rejects with the step budget's own error when a call crosses it", async () => {
    mock.server.setResponder(() => ({ content: "ok", usage: { inputTokens: 10_000, outputTokens: 0 } }));
    const writer = agent({ model: "gpt-4o-mini" });
    const p = pipeline("step_budget", { client: mock.client }).step("write", { costBudget: 0.0001 }, async (ctx) => {
      await ctx.run(writer, "hi");
      return ctx.run(writer, "again");
    });
    const error = await p.run().then(() => expect.unreachable("the run should reject"), (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    expect(error).toMatchObject({ scope: "step", stepId: "write" });
  });
});

describe("a step budget inherited from defaults", () => {
  it("rejects the run and the step's own ctx.run with CostBudgetExceededError (scope step), not an interruption", async () => {
    mock.server.setResponder(() => ({ content: "ok", usage: { inputTokens: 10_000, outputTokens: 0 } }));
    const writer = agent({ model: "gpt-4o-mini" });
    let seenByStep: unknown;
    const p = pipeline("inherited_budget", { client: mock.client, defaults: { costBudget: 0.0001 } }).step("write", async (ctx) => {
      try {
        await ctx.run(writer, "hi");
        return await ctx.run(writer, "again");
      } catch (error) {
        seenByStep = error;
        throw error;
      }
    });
    const error = await p.run().then(() => expect.unreachable("the run should reject"), (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CostBudgetExceededError);
    expect(error).toMatchObject({ scope: "step", stepId: "write", budgetUsd: 0.0001 });
    expect(seenByStep).toBeInstanceOf(CostBudgetExceededError);
  });
});
