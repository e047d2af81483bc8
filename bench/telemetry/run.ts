/**
 * Tracing on against tracing off, on W3 (1,000 zero-latency steps, chain and
 * wide) and W4 (2,000 runs of W1's diamond with 1 ms steps, 50 in flight):
 * the same pipelines, run with no telemetry and with `otlp()` sending to a
 * local receiver in another process. Samples alternate off/on in every round
 * of one process, so the machine's noise lands on both alike; the figure is
 * the ratio of the medians (and the median of the per-round ratios).
 * Target of the telemetry issue: at most 5% more time per step and per run.
 *
 *   npm run bench:telemetry [-- --rounds 7 --sample-ms 1000]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pipeline } from "../../src/index.js";
import { otlp, type OtlpTelemetry } from "../../src/telemetry/index.js";
import { readDeps, simulatedLatency, type Counter } from "../lib/contender.js";
import type { Dag } from "../lib/dag.js";
import { formatSummary, summarize, type Summary } from "../lib/stats.js";
import { W3_DAGS } from "../workloads/definitions.js";
import { W4_DAG } from "../workloads/w4-dag.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    "sample-ms": { type: "string", default: "1000" },
    runs: { type: "string", default: "2000" },
  },
});
const ROUNDS = Number(values.rounds);
const SAMPLE_MS = Number(values["sample-ms"]);
const W4_RUNS = Number(values.runs);
const W4_CONCURRENCY = 50;

interface StepContext {
  readonly input: Counter;
  dep(id: string): unknown;
}
interface UntypedPipeline {
  step(id: string, options: { readonly after: ReadonlyArray<string> }, run: (ctx: StepContext) => unknown): UntypedPipeline;
  run(input: Counter, options?: { readonly telemetry?: OtlpTelemetry }): Promise<{ readonly status: string }>;
}

/** The DAG as a pipeline, built as bench/contenders/stepgraph.ts builds it. */
const build = (dag: Dag): UntypedPipeline => {
  let built = pipeline<Counter>(dag.name) as unknown as UntypedPipeline;
  for (const node of dag.nodes) {
    const reads = node.reads;
    built = built.step(node.id, { after: node.deps }, (ctx) => {
      ctx.input.count++;
      if (reads !== undefined) readDeps(reads, (id) => ctx.dep(id));
      return simulatedLatency(node);
    });
  }
  return built;
};

const runOnce = async (p: UntypedPipeline, dag: Dag, telemetry: OtlpTelemetry | undefined): Promise<void> => {
  const counter: Counter = { count: 0 };
  const result = await (telemetry === undefined ? p.run(counter) : p.run(counter, { telemetry }));
  if (result.status !== "completed" || counter.count !== dag.nodes.length) throw new Error(`${dag.name}: ${counter.count} steps ran`);
};

/** µs per step over back-to-back runs for `SAMPLE_MS`. */
const overheadSample = async (p: UntypedPipeline, dag: Dag, telemetry: OtlpTelemetry | undefined): Promise<number> => {
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < SAMPLE_MS) {
    await runOnce(p, dag, telemetry);
    runs++;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / (runs * dag.nodes.length);
};

/** ms per run (wall time / runs) of `W4_RUNS` runs at `W4_CONCURRENCY` in flight. */
const kickoffSample = async (p: UntypedPipeline, telemetry: OtlpTelemetry | undefined): Promise<number> => {
  let next = 0;
  const worker = async () => {
    while (next < W4_RUNS) {
      next++;
      await runOnce(p, W4_DAG, telemetry);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: W4_CONCURRENCY }, worker));
  return (performance.now() - start) / W4_RUNS;
};

interface Pair {
  readonly off: Summary;
  readonly on: Summary;
  readonly paired: Summary;
}

/** Alternates off and on samples (which goes first alternates too), flushing the exporter between samples, outside the timing. */
const compare = async (sample: (telemetry: OtlpTelemetry | undefined) => Promise<number>, telemetry: OtlpTelemetry): Promise<Pair> => {
  for (let warm = 0; warm < 2; warm++) {
    await sample(undefined);
    await sample(telemetry);
    await telemetry.flush();
  }
  const off: number[] = [];
  const on: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [false, true] : [true, false];
    for (const traced of order) {
      (traced ? on : off).push(await sample(traced ? telemetry : undefined));
      await telemetry.flush();
    }
  }
  return { off: summarize(off), on: summarize(on), paired: summarize(on.map((value, index) => value / off[index]!)) };
};

const startReceiver = async (): Promise<{ url: string; stop: () => Promise<string> }> => {
  const child = spawn(process.execPath, [fileURLToPath(new URL("./receiver.mjs", import.meta.url))], { stdio: ["ignore", "pipe", "pipe"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("error", reject);
  });
  let report = "";
  child.stderr.on("data", (chunk: Buffer) => (report += chunk.toString()));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<string>((resolve) => {
        child.once("exit", () => resolve(report.trim()));
        child.kill("SIGTERM");
      }),
  };
};

const receiver = await startReceiver();
const telemetry = otlp({ url: receiver.url, serviceName: "bench" });
const started = performance.now();
const rows: Array<[string, string, Pair]> = [];
for (const shape of ["chain", "wide"] as const) {
  const dag = W3_DAGS[shape];
  const p = build(dag);
  rows.push([`W3 ${shape}, µs/step`, "µs/step", await compare((traced) => overheadSample(p, dag, traced), telemetry)]);
}
const kickoffs = build(W4_DAG);
rows.push([`W4 ${W4_RUNS} runs at ${W4_CONCURRENCY} in flight, ms/run`, "ms/run", await compare((traced) => kickoffSample(kickoffs, traced), telemetry)]);
await telemetry.close();
const received = await receiver.stop();

console.log(`\nTracing on (otlp() to a local receiver process) vs off, ${ROUNDS} alternating rounds, ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)}; ${received}.\n`);
console.log("| workload | off, median (min–max) | on, median (min–max) | on / off, medians | on / off, paired by round, median (min–max) | target ≤ 1.05 |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [name, , pair] of rows) {
  const ratio = pair.on.median / pair.off.median;
  console.log(`| ${name} | ${formatSummary(pair.off, 3)} | ${formatSummary(pair.on, 3)} | ${ratio.toFixed(3)} | ${formatSummary(pair.paired, 3)} | ${ratio <= 1.05 ? "met" : "missed"} |`);
}
