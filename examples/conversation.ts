/**
 * A conversation that stops to ask for missing information and resumes from
 * its checkpoint: `npx tsx examples/conversation.ts`.
 *
 * A guest asks to book a table. The request is understood once (an agent
 * call); the booking step stops with a question while the date or party
 * size is missing. Each answer resumes the run from the last checkpoint, so
 * the request is not sent to the model again: only the steps after it run.
 *
 * It runs against the local OpenAI-compatible server when OPENAI_API_KEY is
 * unset, and against the OpenAI API when it is set.
 */
import type OpenAI from "openai";
import { z } from "zod";
import { agent, pipeline, type Checkpoint } from "../src/index.js";
import type { MockOpenAIOptions } from "../src/testing/index.js";
import { runIfMain, withModelClient } from "./model-client.js";

/** One turn of the guest's side: the first request, and every answer so far. */
export interface Turn {
  readonly request: string;
  readonly answers: ReadonlyArray<string>;
}

export const understand = agent({
  model: "gpt-4o-mini",
  system: "Read a restaurant request. Name the restaurant and what the guest wants.",
  output: z.object({ restaurant: z.string(), wish: z.string() }),
  maxTokens: 100,
});

export const details = agent({
  model: "gpt-4o-mini",
  system: "Extract the booking details from the guest's messages. Use null for what they have not said.",
  output: z.object({ date: z.string().nullable(), guests: z.number().int().nullable() }),
  maxTokens: 100,
});

export const confirm = agent({
  model: "gpt-4o-mini",
  system: "Write a one-sentence booking confirmation for the guest.",
  maxTokens: 100,
});

/** What the booking step stops with: the fields still missing and the question to ask. */
export interface Question {
  readonly missing: ReadonlyArray<"date" | "guests">;
  readonly question: string;
}

const questionFor = (missing: ReadonlyArray<"date" | "guests">): string =>
  missing.length === 2
    ? "For which day, and for how many people?"
    : missing[0] === "date"
      ? "For which day should I book?"
      : "For how many people?";

export const booking = pipeline<Turn>("table_booking")
  .step("understand", { retries: 1 }, understand.asStep((ctx) => ctx.input.request))
  .step("collect", { after: ["understand"] }, async (ctx) => {
    const said = ctx.input.answers.length === 0 ? { date: null, guests: null } : (await ctx.run(details, ctx.input.answers.join("\n"))).output;
    const missing = (["date", "guests"] as const).filter((field) => said[field] === null);
    if (missing.length > 0) return ctx.stop<Question>({ missing, question: questionFor(missing) });
    return { date: said.date!, guests: said.guests! };
  })
  .step("confirm", { after: ["understand", "collect"] }, async (ctx) => {
    const { restaurant } = ctx.dep("understand");
    const { date, guests } = ctx.dep("collect");
    return (await ctx.run(confirm, `Confirm a table at ${restaurant} on ${date} for ${guests}.`)).output;
  });

/** Canned answers for the local server, so the offline conversation reads like one. */
const offlineAnswers: MockOpenAIOptions["routes"] = [
  { systemPrompt: /restaurant request/i, respond: { json: { restaurant: "Luigi's", wish: "a table for dinner" } } },
  {
    systemPrompt: /booking details/i,
    respond: (request) => {
      const said = String(request.messages.at(-1)?.content ?? "");
      const date = /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i.exec(said)?.[1] ?? null;
      const guests = /\b(\d+) (?:people|guests|of us)\b/i.exec(said)?.[1];
      return { json: { date, guests: guests === undefined ? null : Number(guests) } };
    },
  },
  {
    systemPrompt: /confirmation/i,
    respond: (request) => ({ content: String(request.messages.at(-1)?.content ?? "").replace(/^Confirm/, "Booked") }),
  },
];

/** Runs the conversation: the request, then each answer, resuming from the last checkpoint each time. */
export const converse = async (request: string, answers: ReadonlyArray<string>, client: OpenAI): Promise<string> => {
  let checkpoint: Checkpoint | undefined;
  const said: string[] = [];
  for (let turn = 0; ; turn++) {
    const result = await booking.run({ request, answers: [...said] }, { client, resume: checkpoint });
    const calls = Object.entries(result.usage.byStep).map(([step, usage]) => `${step} ×${usage.calls}`);
    console.log(`  (model calls this turn: ${calls.join(", ") || "none"})`);
    if (result.status === "completed") return result.output;
    console.log(`Assistant: ${result.stop.payload.question}`);
    const answer = answers[turn];
    if (answer === undefined) return "(the guest left)";
    console.log(`Guest:     ${answer}`);
    said.push(answer);
    checkpoint = result.checkpoint;
  }
};

export const main = (): Promise<void> =>
  withModelClient({ routes: offlineAnswers }, async (client) => {
    const request = "Hi! Could you book us a table at Luigi's?";
    console.log(`Guest:     ${request}`);
    const reply = await converse(request, ["On Friday, please.", "On Friday, 4 people."], client);
    console.log(`Assistant: ${reply}`);
  });

runIfMain(import.meta.url, main);
