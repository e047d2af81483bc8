import { describe, expect, it } from "vitest";
import { z } from "zod";
import { agent, pipeline, tool, type ToolContext } from "../../src/index.js";
import { useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();

interface Db {
  readonly orders: (user: string) => string[];
}

describe("a tool's context in a step", () => {
  it("has the step's services, its id, the run's id and the step's signal", async () => {
    const seen: Array<Omit<ToolContext<{ db: Db; user: string }>, "signal"> & { signal: AbortSignal }> = [];
    const orders = tool.withServices<{ db: Db; user: string }>()({
      description: "The current user's orders",
      parameters: z.object({}),
      execute: (_args, ctx) => {
        seen.push(ctx);
        return ctx.services.db.orders(ctx.services.user);
      },
    });
    const assistant = agent({ model: "gpt-4o-mini", tools: { orders } });
    mock.server.script({ toolCalls: [{ name: "orders", arguments: {} }] }, { content: "You ordered a lamp." });
    const p = pipeline("support", { client: mock.client })
      .withServices<{ db: Db; user: string }>()
      .step("answer", async (ctx) => {
        const response = await ctx.run(assistant, "What did I order?");
        return { text: response.output, runId: ctx.runId, signal: ctx.signal };
      });
    const db: Db = { orders: (user) => [`${user}: lamp`] };
    const result = await p.run(undefined, { services: { db, user: "ada" } });
    expect(result.output.text).toBe("You ordered a lamp.");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.services).toEqual({ db, user: "ada" });
    expect(seen[0]!.stepId).toBe("answer");
    expect(seen[0]!.runId).toBe(result.output.runId);
    expect(seen[0]!.signal).toBe(result.output.signal);
    const reply = mock.server.requests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(reply.messages.at(-1)).toMatchObject({ role: "tool", content: '["ada: lamp"]' });
  });

  it("reaches a tool of a sub-pipeline's step, with the parent run's services and the nested step's id", async () => {
    const contexts: Array<{ stepId: string | undefined; user: string }> = [];
    const whoami = tool({
      description: "Who is asking",
      parameters: z.object({}),
      execute: (_args, ctx: ToolContext<{ user: string }>) => {
        contexts.push({ stepId: ctx.stepId, user: ctx.services.user });
        return ctx.services.user;
      },
    });
    const assistant = agent({ model: "gpt-4o-mini", tools: { whoami } });
    const inner = pipeline("inner")
      .withServices<{ user: string }>()
      .step("ask", async (ctx) => (await ctx.run(assistant, "Who am I?")).output);
    const outer = pipeline("outer", { client: mock.client }).withServices<{ user: string }>().step("delegate", inner.asStep());
    mock.server.script({ toolCalls: [{ name: "whoami", arguments: {} }] }, { content: "You are Ada." });
    const result = await outer.run(undefined, { services: { user: "ada" } });
    expect(result.output).toBe("You are Ada.");
    expect(contexts).toEqual([{ stepId: "ask", user: "ada" }]);
  });
});
