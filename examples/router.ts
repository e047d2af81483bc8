/**
 * A router: support tickets go to the pipeline that fits them, chosen by a
 * classifier agent. `npx tsx examples/router.ts`.
 *
 * Callers use the router like a pipeline (`run`, `runMany`, `asStep`, ...);
 * its result says which route ran, and its usage includes the classifier's
 * call. A ticket the classifier cannot place goes to the fallback route.
 *
 * It runs against the local OpenAI-compatible server when OPENAI_API_KEY is
 * unset, and against the OpenAI API when it is set.
 */
import { z } from "zod";
import { agent, pipeline, router } from "../src/index.js";
import type { MockOpenAIOptions } from "../src/testing/index.js";
import { runIfMain, withModelClient } from "./model-client.js";

export interface Ticket {
  readonly id: string;
  readonly text: string;
}

export const classifier = agent({
  model: "gpt-4o-mini",
  system: "Classify the support ticket as billing, technical or other.",
  output: z.object({ kind: z.enum(["billing", "technical", "other"]) }),
  maxTokens: 20,
});

export const writer = agent({
  model: "gpt-4o-mini",
  system: "Write a short, friendly reply to the support ticket from the notes.",
  maxTokens: 200,
});

/** A stand-in for the billing system. */
const invoicesOf = async (ticket: Ticket) => [{ number: `INV-${ticket.id}`, amountUsd: 42, paid: false }];

export const billing = pipeline<Ticket>("billing_support")
  .step("invoices", (ctx) => invoicesOf(ctx.input))
  .step("reply", { after: ["invoices"] }, async (ctx) => {
    const open = ctx.dep("invoices").filter((invoice) => !invoice.paid);
    return (await ctx.run(writer, `Ticket: ${ctx.input.text}\nNotes: open invoices ${open.map((invoice) => invoice.number).join(", ")}`)).output;
  });

export const technical = pipeline<Ticket>("technical_support")
  .step("diagnose", (ctx) => (/crash|error/i.test(ctx.input.text) ? "known crash, fixed in 2.1" : "needs logs"))
  .step("reply", { after: ["diagnose"] }, async (ctx) =>
    (await ctx.run(writer, `Ticket: ${ctx.input.text}\nNotes: ${ctx.dep("diagnose")}`)).output,
  );

export const general = pipeline<Ticket>("general_support").step("reply", (ctx) => `Thanks for ticket ${ctx.input.id}; a person will answer soon.`);

export const support = router("support_router", {
  routes: { billing, technical, general },
  route: async (ticket, ctx) => {
    const { kind } = (await ctx.run(classifier, ticket.text)).output;
    return kind === "billing" ? "billing" : kind === "technical" ? "technical" : "general";
  },
  fallback: "general",
  config: { timeout: "20 seconds", retries: 1 },
});

/** Canned answers for the local server. */
const offlineAnswers: MockOpenAIOptions["routes"] = [
  {
    systemPrompt: /classify/i,
    respond: (request) => {
      const text = String(request.messages.at(-1)?.content ?? "");
      return { json: { kind: /invoice|charge|refund/i.test(text) ? "billing" : /crash|error|bug/i.test(text) ? "technical" : "other" } };
    },
  },
  {
    systemPrompt: /reply/i,
    respond: (request) => {
      const notes = /Notes: (.*)$/m.exec(String(request.messages.at(-1)?.content ?? ""))?.[1] ?? "";
      return { content: `Thanks for writing in. We looked into it: ${notes}.` };
    },
  },
];

export const TICKETS: ReadonlyArray<Ticket> = [
  { id: "101", text: "I was charged twice on my last invoice." },
  { id: "102", text: "The app crashes with an error when I open settings." },
  { id: "103", text: "Do you have a student discount?" },
];

export const main = (): Promise<void> =>
  withModelClient({ routes: offlineAnswers }, async (client) => {
    console.log(`\n${support.toMermaid()}`);
    const outcomes = await support.runMany(TICKETS, { client, concurrency: 3 });
    let cost = 0;
    for (const outcome of outcomes) {
      const ticket = TICKETS[outcome.index]!;
      if (!outcome.ok) {
        console.log(`#${ticket.id} failed: ${outcome.error.message}`);
        continue;
      }
      const { route, output, usage } = outcome.result;
      cost += usage.costUsd ?? 0;
      console.log(`#${ticket.id} → ${route.padEnd(9)} ${usage.calls} calls  ${output}`);
    }
    console.log(`\nTotal cost: $${cost.toFixed(6)}`);
  });

runIfMain(import.meta.url, main);
