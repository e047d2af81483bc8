/**
 * An agent on its own and in a step: a support agent whose tool reads the
 * user's orders from the application's services. `agent.run` calls it with
 * no pipeline (a cost budget, retries and the services given to the call);
 * the pipeline calls it from a step, its tool getting the services the
 * pipeline declares. `npx tsx examples/support-agent.ts`.
 *
 * It runs against the local OpenAI-compatible server when OPENAI_API_KEY is
 * unset, and against the OpenAI API when it is set.
 */
import { z } from "zod";
import { agent, pipeline, tool } from "../src/index.js";
import type { MockOpenAIOptions } from "../src/testing/index.js";
import { runIfMain, withModelClient } from "./model-client.js";

/** The application's orders database, as the tool sees it. */
export interface Orders {
  readonly byUser: (user: string) => Promise<string[]>;
}

/** What the support agent's tool needs: the database and who is asking. */
export interface SupportServices {
  readonly orders: Orders;
  readonly user: string;
}

const recentOrders = tool.withServices<SupportServices>()({
  description: "The current user's recent orders",
  parameters: z.object({ limit: z.number().int().min(1).max(10) }),
  execute: async ({ limit }, ctx) => (await ctx.services.orders.byUser(ctx.services.user)).slice(0, limit),
});

export const support = agent({
  model: "gpt-4o-mini",
  system: "Answer questions about the user's orders. Look them up with recentOrders.",
  tools: { recentOrders },
  maxTokens: 200,
});

// ctx.run(support, …) compiles only because withServices declares what the tool needs.
export const helpdesk = pipeline<{ question: string }>("helpdesk")
  .withServices<SupportServices>()
  .step("answer", { retries: 1 }, async (ctx) => (await ctx.run(support, ctx.input.question)).output);

/** The local server's answers: ask for the tool first, then answer from its result. */
const offline: MockOpenAIOptions = {
  responder: (request) =>
    request.lastMessage?.role === "tool"
      ? { content: `Your recent orders: ${JSON.parse(String(request.lastMessage.content)).join(", ")}.`, usage: { inputTokens: 120, outputTokens: 12 } }
      : { toolCalls: [{ name: "recentOrders", arguments: { limit: 2 } }], usage: { inputTokens: 90, outputTokens: 8 } },
};

const database: Orders = { byUser: async (user) => [`${user}: desk lamp`, `${user}: bookshelf`, `${user}: chair`] };

export const main = async (): Promise<void> => {
  await withModelClient(offline, async (client) => {
    // On its own: no pipeline, the services and a budget given to the call.
    const reply = await support.run("What did I order lately?", { client, services: { orders: database, user: "ada" }, costBudget: 0.01, retries: 2 });
    console.log(`agent.run: ${reply.output} (${reply.turns} requests, ${reply.toolCalls.length} tool call, $${reply.usage.costUsd?.toFixed(6)})`);

    // In a step: the tool gets the run's services, the step's id and the run's id.
    const result = await helpdesk.run({ question: "What did I order lately?" }, { client, services: { orders: database, user: "grace" } });
    console.log(`helpdesk: ${result.output} (${result.usage.calls} requests)`);
  });
};

runIfMain(import.meta.url, main);
