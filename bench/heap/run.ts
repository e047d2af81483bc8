/**
 * Heap of a long batch: 100,000 inputs from an async generator through a
 * small three-step pipeline, 50 runs at a time. Prints heapUsed after a
 * forced GC at 10,000 and at 100,000 finished runs, and their ratio, for:
 *
 * - `runMany` with `keep: "output"`: one compact outcome per input (target: ratio under 1.5);
 * - `stream`: nothing kept (target: ratio under 1.5);
 * - `runMany` keeping full results (the default), for reference only: every
 *   result keeps its trace, timing and checkpoint, about 2 KB each, so its
 *   heap grows with the inputs by design;
 * - `calls`: 20,000 model calls (`--calls`), one per run of a one-step agent
 *   pipeline with a step timeout and a run budget, against the bundled
 *   local OpenAI-compatible server through the real SDK; heapUsed after GC
 *   at 2,000 and at 20,000 calls (target: within 10%). Every call links the
 *   step's signal to the request's and unlinks it when it settles, so a
 *   long-lived service stays flat however many calls it makes.
 *
 *   node --expose-gc --import tsx bench/heap/run.ts [--inputs 100000] [--calls 20000] [--concurrency 50] [--only runMany-output|stream|runMany-result|calls]
 */
import OpenAI from "openai";
import { parseArgs } from "node:util";
import { agent, pipeline } from "../../src/index.js";
import { startMockOpenAI } from "../../src/testing/index.js";

const { values } = parseArgs({
  options: {
    inputs: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "50" },
    only: { type: "string" },
    calls: { type: "string", default: "20000" },
  },
});
const total = Number(values.inputs);
const concurrency = Number(values.concurrency);
const early = Math.min(10_000, Math.floor(total / 10));

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("Run with --expose-gc: node --expose-gc --import tsx bench/heap/run.ts");
  process.exit(1);
}

/** heapUsed in MB after a full collection. */
const heapMb = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const p = pipeline<{ id: number; text: string }>("heap")
  .step("words", (ctx) => ctx.input.text.split(" ").length)
  .step("double", { after: ["words"] }, async (ctx) => ctx.dep("words") * 2)
  .step("label", { after: ["double"] }, (ctx) => ctx.input.id + ctx.dep("double"));

async function* inputs(): AsyncGenerator<{ id: number; text: string }> {
  for (let id = 0; id < total; id++) yield { id, text: `input number ${id} of the batch` };
}

interface Measure {
  readonly mode: string;
  readonly atEarly: number;
  readonly atEnd: number;
  readonly seconds: number;
}

type Mode = "runMany-output" | "stream" | "runMany-result" | "calls";

/** heapUsed after GC at a tenth of `calls` model calls and after all of them. */
const measureCalls = async (calls: number): Promise<Measure> => {
  const server = await startMockOpenAI();
  const client = new OpenAI({ baseURL: server.url, apiKey: "bench", maxRetries: 0 });
  const writer = agent({ model: "gpt-4o-mini", maxTokens: 20 });
  const caller = pipeline<{ id: number }>("calls", { client })
    .step("ask", { timeout: "10 seconds", retries: 1 }, (ctx) => ctx.run(writer, `question ${ctx.input.id}`));
  async function* ids(): AsyncGenerator<{ id: number }> {
    for (let id = 0; id < calls; id++) yield { id };
  }
  const tenth = Math.floor(calls / 10);
  // Warm up (the tokenizer, the SDK, the server's sockets), then measure.
  await caller.runMany(Array.from({ length: 200 }, (_, id) => ({ id })), { concurrency, keep: "output", costBudget: 10 });
  server.reset();
  heapMb();
  let atEarly = Number.NaN;
  const started = performance.now();
  // runEach keeps no outcome: what the heap holds at the end is what the calls left behind.
  let failed = 0;
  for await (const outcome of caller.runEach(ids(), {
    concurrency,
    costBudget: 1_000,
    onProgress: (progress) => {
      if (progress.done === tenth && Number.isNaN(atEarly)) {
        server.reset();
        atEarly = heapMb();
      }
    },
  })) {
    if (!outcome.ok) failed++;
  }
  server.reset();
  const atEnd = heapMb();
  await server.close();
  if (failed > 0) throw new Error(`calls: ${failed} of ${calls} runs failed`);
  return { mode: "calls", atEarly, atEnd, seconds: (performance.now() - started) / 1000 };
};

const measure = async (mode: Mode): Promise<Measure> => {
  heapMb();
  let atEarly = Number.NaN;
  const onProgress = (progress: { done: number }) => {
    if (progress.done === early && Number.isNaN(atEarly)) atEarly = heapMb();
  };
  const started = performance.now();
  let atEnd: number;
  if (mode !== "stream") {
    const keep = mode === "runMany-output" ? "output" : "result";
    const outcomes = await p.runMany(inputs(), { concurrency, onProgress, keep });
    atEnd = heapMb();
    const failed = outcomes.filter((outcome) => !outcome.ok).length;
    if (outcomes.length !== total || failed > 0) throw new Error(`${mode}: ${outcomes.length} outcomes, ${failed} failed`);
  } else {
    let count = 0;
    for await (const outcome of p.stream(inputs(), { concurrency, onProgress })) {
      if (!outcome.ok) throw new Error(`stream: input ${outcome.index} failed`);
      count++;
    }
    atEnd = heapMb();
    if (count !== total) throw new Error(`stream: ${count} outcomes`);
  }
  return { mode, atEarly, atEnd, seconds: (performance.now() - started) / 1000 };
};

console.log(`${total} inputs, concurrency ${concurrency}, heapUsed after GC (MB); baseline ${heapMb().toFixed(1)} MB`);
const modes: ReadonlyArray<Mode> = values.only === undefined ? ["runMany-output", "stream", "runMany-result", "calls"] : [values.only as Mode];
let worst = 0;
let callsRatio: number | undefined;
for (const mode of modes) {
  const result = mode === "calls" ? await measureCalls(Number(values.calls)) : await measure(mode);
  if (mode === "calls") {
    callsRatio = result.atEnd / result.atEarly;
    const calls = Number(values.calls);
    console.log(
      `${"calls".padEnd(15)} at ${Math.floor(calls / 10)}: ${result.atEarly.toFixed(1).padStart(6)}   at ${calls}: ${result.atEnd.toFixed(1).padStart(6)}   ratio ${callsRatio.toFixed(3)}   (${result.seconds.toFixed(1)} s, ${Math.round(calls / result.seconds)} calls/s)`,
    );
    continue;
  }
  const ratio = result.atEnd / result.atEarly;
  if (mode !== "runMany-result") worst = Math.max(worst, ratio);
  console.log(
    `${result.mode.padEnd(15)} at ${early}: ${result.atEarly.toFixed(1).padStart(6)}   at ${total}: ${result.atEnd.toFixed(1).padStart(6)}   ratio ${ratio.toFixed(2)}   (${result.seconds.toFixed(1)} s, ${Math.round(total / result.seconds)} runs/s)`,
  );
}
if (modes.some((mode) => mode === "runMany-output" || mode === "stream")) {
  console.log(worst < 1.5 ? "ok: runMany-output and stream stay under a ratio of 1.5" : `FAIL: a ratio of ${worst.toFixed(2)} is not under 1.5`);
  if (worst >= 1.5) process.exitCode = 1;
}
if (callsRatio !== undefined) {
  console.log(callsRatio <= 1.1 ? "ok: the heap after all model calls is within 10% of the heap after a tenth of them" : `FAIL: model calls: a ratio of ${callsRatio.toFixed(3)} is over 1.1`);
  if (callsRatio > 1.1) process.exitCode = 1;
}
