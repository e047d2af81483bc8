/**
 * W4's child process: one contender, alone in a fresh Node process, runs W1
 * with 1 ms latencies `runs` times at `concurrency` runs in flight, and
 * prints one JSON line: runs per second and memory.
 *
 * Usage: node --expose-gc --import tsx bench/workloads/w4-child.ts <contender> <runs> <concurrency> <warmup>
 */
import { contenderNames, loadContender, type ContenderName } from "../contenders/index.js";
import { simulatedLatency, type BuiltDag } from "../lib/contender.js";
import { W4_DAG } from "./w4-dag.js";

const [name, runsArg, concurrencyArg, warmupArg] = process.argv.slice(2);
if (!contenderNames.includes(name as ContenderName)) throw new Error(`unknown contender ${String(name)}`);
const runs = Number(runsArg);
const concurrency = Number(concurrencyArg);
const warmup = Number(warmupArg);

const mb = (bytes: number) => bytes / (1024 * 1024);

/** Runs `total` runs with at most `width` in flight; throws if any run skipped a step. */
const pool = async (built: BuiltDag, total: number, width: number): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const executed = await built.run();
      if (executed !== W4_DAG.nodes.length) throw new Error(`${name} executed ${executed} steps, expected ${W4_DAG.nodes.length}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, total) }, worker));
};

const loaded = await loadContender(name as ContenderName);
if (!loaded.ok) {
  process.stdout.write(`${JSON.stringify({ ok: false, reason: loaded.reason })}\n`);
  process.exit(0);
}
const built = await loaded.contender.build(W4_DAG, simulatedLatency);
await pool(built, warmup, concurrency);
(globalThis as { gc?: () => void }).gc?.();
const rssBefore = process.memoryUsage().rss;
let rssPeakDuringRuns = rssBefore;
const sampler = setInterval(() => {
  rssPeakDuringRuns = Math.max(rssPeakDuringRuns, process.memoryUsage().rss);
}, 5);
const start = performance.now();
await pool(built, runs, concurrency);
const seconds = (performance.now() - start) / 1000;
clearInterval(sampler);
rssPeakDuringRuns = Math.max(rssPeakDuringRuns, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({
    ok: true,
    runsPerSecond: runs / seconds,
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssBeforeRunsMb: mb(rssBefore),
    runPhaseGrowthMb: mb(rssPeakDuringRuns - rssBefore),
  })}\n`,
);
