/**
 * `npm run demo`: runs the document pipeline with the real OpenAI SDK, against
 * the local OpenAI-compatible server when OPENAI_API_KEY is unset, or against
 * the real API when it is set. Prints the outputs, a usage and cost table, and
 * a timeline showing which steps ran in parallel; then runs the pipeline over
 * a batch of documents, four at a time, under one shared budget, with a
 * progress bar; then, offline, asks Claude, DeepSeek and Llama models through
 * the same OpenAI-compatible endpoint and prints what each cost.
 */
import type { BatchProgress, RunUsage, RunTiming } from "../src/index.js";
import type { MockOpenAIOptions } from "../src/testing/index.js";
import { documentPipeline } from "./document.js";
import { isLive, runIfMain, withModelClient } from "./model-client.js";
import { modelTable, providerAnswers, providers } from "./providers.js";

const DOCUMENT =
  "Apple announced the M5 chip in Cupertino on Tuesday. Tim Cook said TSMC will build it in Arizona, and analysts at Morgan Stanley expect strong demand.";

const pad = (text: string, width: number) => text.padEnd(width).slice(0, width);

/** A table of tokens and cost per step, and the run's total. */
export const usageTable = (usage: RunUsage): string => {
  const money = (usd: number | null) => (usd === null ? "unknown" : `$${usd.toFixed(6)}`);
  const rows = Object.entries(usage.byStep).map(
    ([step, stepUsage]) =>
      `${pad(step, 16)} ${String(stepUsage.calls).padStart(5)} ${String(stepUsage.inputTokens).padStart(7)} ${String(stepUsage.outputTokens).padStart(7)}  ${money(stepUsage.costUsd)}`,
  );
  return [
    `${pad("step", 16)} calls   input  output  cost`,
    ...rows,
    `${pad("total", 16)} ${String(usage.calls).padStart(5)} ${String(usage.inputTokens).padStart(7)} ${String(usage.outputTokens).padStart(7)}  ${money(usage.costUsd)}`,
  ].join("\n");
};

/** One bar per step on a shared time axis: overlapping bars ran in parallel. */
export const timeline = (timing: RunTiming, width = 50): string => {
  const scale = width / Math.max(timing.durationMs, 1);
  return Object.entries(timing.steps)
    .map(([step, span]) => {
      const start = Math.round(span.start * scale);
      const length = Math.max(1, Math.round(span.durationMs * scale));
      return `${pad(step, 16)} ${" ".repeat(start)}${"█".repeat(length)} ${Math.round(span.durationMs)} ms`;
    })
    .join("\n");
};

/** A one-line progress bar for a batch: finished runs filled, runs in flight shaded. */
export const progressBar = (progress: BatchProgress, width = 24): string => {
  const total = progress.total ?? Math.max(progress.done + progress.running, 1);
  const filled = Math.round((progress.done / total) * width);
  const running = Math.min(width - filled, Math.round((progress.running / total) * width));
  const bar = `${"█".repeat(filled)}${"▒".repeat(running)}${"·".repeat(width - filled - running)}`;
  return `[${bar}] ${progress.done}/${progress.total ?? "?"} done, ${progress.failed} failed, ${progress.running} running, $${progress.spentUsd.toFixed(6)} spent`;
};

/** Short documents for the batch part of the demo. */
const BATCH = [
  "Microsoft reported record cloud revenue in Redmond, said Satya Nadella.",
  "Invoice 2291 from Acme GmbH: amount due 1,200 EUR by March 3.",
  "Nvidia announced a new GPU in Santa Clara; Jensen Huang presented it.",
  "Airbus said deliveries from Toulouse rose in the third quarter.",
  "Invoice 88 from Blue Bottle Coffee: amount due 42 USD.",
  "Samsung announced a foldable phone in Seoul on Wednesday.",
  "The Bank of England said inflation in London eased, analysts reported.",
  "Siemens announced a factory in Munich with partners from Bosch.",
];

/** Canned answers for the two free-text agents, so the offline report reads like one. */
const offlineAnswers: MockOpenAIOptions["routes"] = [
  {
    systemPrompt: /classify/i,
    respond: (request) => {
      const prompt = String(request.messages.at(-1)?.content ?? "").toLowerCase();
      const category = /invoice|amount due/.test(prompt) ? "invoice" : /announced|said|reported/.test(prompt) ? "news" : "other";
      return { json: { category } };
    },
  },
  {
    systemPrompt: /background/i,
    respond: (request) => {
      const prompt = String(request.messages.at(-1)?.content ?? "");
      const entities = prompt.replace(/^Background on: /, "").split(", ");
      return { content: entities.map((entity) => `${entity}: mentioned in the source document.`).join("\n") };
    },
  },
  {
    systemPrompt: /report/i,
    respond: (request) => {
      const prompt = String(request.messages.at(-1)?.content ?? "");
      const category = /Category: (\w+)/.exec(prompt)?.[1] ?? "unknown";
      const count = (prompt.match(/mentioned in the source document/g) ?? []).length;
      return {
        content: `This ${category} document names ${count} entities. Market data was found for each of them. No follow-up is needed.`,
      };
    },
  },
];

export const main = (): Promise<void> =>
  withModelClient({ latencyMs: 150, routes: [...(providerAnswers ?? []), ...(offlineAnswers ?? [])] }, async (client) => {
    const result = await documentPipeline.run({ document: DOCUMENT }, { client });
    console.log("\nEntities:", result.outputs.extract.entities.join(", "));
    console.log("Category:", result.outputs.classify.category);
    console.log("Report:  ", result.output);
    console.log(`\n${usageTable(result.usage)}`);
    console.log(`\nTimeline (${Math.round(result.timing.durationMs)} ms):\n${timeline(result.timing)}`);

    console.log(`\nBatch: ${BATCH.length} documents, 4 at a time, one shared budget of $0.20:`);
    const redraw = process.stdout.isTTY === true;
    let last: BatchProgress | undefined;
    const outcomes = await documentPipeline.runMany(BATCH.map((document) => ({ document })), {
      client,
      concurrency: 4,
      costBudget: 0.2,
      keep: "output",
      onProgress: (progress) => {
        last = progress;
        if (redraw) process.stdout.write(`\r${progressBar(progress)}`);
      },
    });
    if (redraw) process.stdout.write("\n");
    else if (last !== undefined) console.log(progressBar(last));
    for (const outcome of outcomes) {
      const text = outcome.ok ? (outcome.result.status === "completed" ? outcome.result.output : "(stopped)") : `failed: ${String(outcome.error)}`;
      console.log(`  #${outcome.index + 1} ${pad(BATCH[outcome.index] ?? "", 40)} → ${text.slice(0, 70)}`);
    }

    // OpenAI's API serves none of these models: they are asked only offline, or through a gateway that serves them.
    if (isLive()) return;
    console.log("\nOther providers through the same endpoint, priced from @pydantic/genai-prices:");
    const asked = await providers.run({ question: "Why count cost in integers?" }, { client });
    console.log(modelTable(asked.usage));
  });

runIfMain(import.meta.url, main);
