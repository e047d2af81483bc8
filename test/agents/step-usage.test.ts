/** `ctx.usage`: what the step's model calls have used so far in the run, over all its attempts. */
import { describe, expect, it } from "vitest";
import { agent, pipeline, type Usage } from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();
const writer = agent({ model: "gpt-4o-mini" });

describe("ctx.usage", () => {
  it("is empty before the first call and grows with each call of the step", async () => {
    mock.server.script({ content: "a", usage: { inputTokens: 10, outputTokens: 2 } }, { content: "b", usage: { inputTokens: 20, outputTokens: 4 } });
    const seen: Usage[] = [];
    const p = pipeline("usage", { client: mock.client }).step("write", async (ctx) => {
      seen.push(ctx.usage);
      await ctx.run(writer, "one");
      seen.push(ctx.usage);
      await ctx.run(writer, "two");
      seen.push(ctx.usage);
      return "done";
    });
    const result = await p.run();
    expect(seen.map((usage) => [usage.calls, usage.inputTokens, usage.outputTokens])).toEqual([
      [0, 0, 0],
      [1, 10, 2],
      [2, 30, 6],
    ]);
    expect(seen[2]!.costNanoUsd).toBe(gpt4oMiniCost(30, 6));
    expect(seen[2]).toEqual(result.usage.byStep.write);
  });

  it("spans the step's attempts: a retry sees what the failed attempt spent", async () => {
    mock.server.script({ content: "first", usage: { inputTokens: 10, outputTokens: 2 } }, { content: "second", usage: { inputTokens: 10, outputTokens: 2 } });
    const seen: number[] = [];
    const p = pipeline("retry", { client: mock.client }).step("write", { retries: 1, retryDelay: 1 }, async (ctx) => {
      seen.push(ctx.usage.calls);
      const { output } = await ctx.run(writer, "hi");
      if (ctx.attempt === 1) throw new Error(`not good enough: ${output}`);
      return output;
    });
    expect((await p.run()).output).toBe("second");
    expect(seen).toEqual([0, 1]);
  });

  it("is the step's own: other steps' calls are not in it, and a snapshot cannot change the ledger", async () => {
    mock.server.script({ content: "a", usage: { inputTokens: 5, outputTokens: 1 } });
    const p = pipeline("own", { client: mock.client })
      .step("first", async (ctx) => (await ctx.run(writer, "x")).output)
      .step("second", { after: ["first"] }, (ctx) => {
        const usage = ctx.usage;
        expect(() => {
          (usage as { calls: number }).calls = 7;
        }).toThrow(TypeError);
        return usage.calls;
      });
    const result = await p.run();
    expect(result.output).toBe(0);
    expect(result.usage.calls).toBe(1);
  });

  it("includes a sub-pipeline's usage once its run has ended", async () => {
    mock.server.script({ content: "inner", usage: { inputTokens: 7, outputTokens: 3 } });
    const inner = pipeline("inner").step("call", async (ctx) => (await ctx.run(writer, "x")).output);
    const run = inner.asStep(() => undefined);
    const p = pipeline("outer", { client: mock.client }).step("sub", async (ctx) => {
      const before = ctx.usage.calls;
      await run(ctx);
      return [before, ctx.usage.calls, ctx.usage.inputTokens];
    });
    expect((await p.run()).output).toEqual([0, 1, 7]);
  });
});
