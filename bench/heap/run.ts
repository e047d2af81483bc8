/**
 * Heap of a long batch: 100,000 inputs from an async generator through a
 * small three-step pipeline, 50 runs at a time. Prints heapUsed after a
 * forced GC at 10,000 and at 100,000 finished runs, and their ratio, for:
 *
 * - `runMany` with `keep: "output"`: one compact outcome per input (target: ratio under 1.5);
 * - `stream`: nothing kept (target: ratio under 1.5);
 * - `runMany` keeping full results (the default), for reference only: every
 *   result keeps its trace, timing and checkpoint, about 2 KB each, so its
 *   heap grows with the inputs by design.
 *
 *   node --expose-gc --import tsx bench/heap/run.ts [--inputs 100000] [--concurrency 50] [--only runMany-output|stream|runMany-result]
 */
import { parseArgs } from "node:util";
import { pipeline } from "../../src/index.js";

const { values } = parseArgs({
  options: {
    inputs: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "50" },
    only: { type: "string" },
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

type Mode = "runMany-output" | "stream" | "runMany-result";

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
const modes: ReadonlyArray<Mode> = values.only === undefined ? ["runMany-output", "stream", "runMany-result"] : [values.only as Mode];
let worst = 0;
for (const mode of modes) {
  const result = await measure(mode);
  const ratio = result.atEnd / result.atEarly;
  if (mode !== "runMany-result") worst = Math.max(worst, ratio);
  console.log(
    `${result.mode.padEnd(15)} at ${early}: ${result.atEarly.toFixed(1).padStart(6)}   at ${total}: ${result.atEnd.toFixed(1).padStart(6)}   ratio ${ratio.toFixed(2)}   (${result.seconds.toFixed(1)} s, ${Math.round(total / result.seconds)} runs/s)`,
  );
}
console.log(worst < 1.5 ? "ok: runMany-output and stream stay under a ratio of 1.5" : `FAIL: a ratio of ${worst.toFixed(2)} is not under 1.5`);
if (worst >= 1.5) process.exitCode = 1;
