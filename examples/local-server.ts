/**
 * Testing a pipeline against the local OpenAI-compatible server from
 * `stepgraph/testing`: answers routed by system prompt, a queue of scripted
 * answers, an injected 429, and the server's own record of what it was sent
 * and what it billed. `npx tsx examples/local-server.ts`.
 */
import OpenAI from "openai";
import { z } from "zod";
import { agent, pipeline } from "../src/index.js";
import { startMockOpenAI } from "../src/testing/index.js";
import { runIfMain } from "./model-client.js";

const classifier = agent({
  model: "gpt-4o-mini",
  system: "Classify the document: invoice, contract or letter.",
  output: z.object({ kind: z.enum(["invoice", "contract", "letter"]) }),
  maxTokens: 20,
});
const summarizer = agent({ model: "gpt-4o-mini", system: "Summarize the document in one line.", maxTokens: 60 });

export const documents = pipeline<{ text: string }>("documents")
  .step("kind", { retries: 2, retryDelay: 10 }, async (ctx) => (await ctx.run(classifier, ctx.input.text)).output.kind)
  .step("summary", { after: ["kind"] }, async (ctx) => (await ctx.run(summarizer, ctx.input.text)).output);

export const main = async (): Promise<void> => {
  const server = await startMockOpenAI({
    // Answers by system prompt (or model): the first matching route wins.
    routes: [{ systemPrompt: /Classify/, respond: { json: { kind: "invoice" }, usage: { inputTokens: 40, outputTokens: 5 } } }],
  });
  try {
    const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
    // Scripted answers are used first, in order, whatever the prompt.
    server.script({ json: { kind: "contract" } }, { content: "A two-year lease." });
    const scripted = await documents.run({ text: "Lease agreement ..." }, { client });
    console.log(`scripted: ${scripted.outputs.kind}, "${scripted.output}", script left: ${server.scriptRemaining}`);

    // With the script used up, the route answers the classifier; a 429 is injected first and retried.
    server.failNext(1, { type: "status", status: 429, retryAfter: 0 });
    const routed = await documents.run({ text: "Invoice 42 ..." }, { client });
    const statuses = server.requests.slice(-3).map((request) => request.status);
    console.log(`routed: ${routed.outputs.kind}, attempts of "kind": ${routed.trace.filter((event) => event.type === "start" && event.stepId === "kind").length}`);
    console.log(`last three responses: ${statuses.join(", ")}`);
    console.log(`billed: ${server.totalBilled().responses} responses, ${server.totalBilled().totalTokens} tokens; accounted: ${scripted.usage.calls + routed.usage.calls} calls`);
  } finally {
    await server.close();
  }
};

runIfMain(import.meta.url, main);
