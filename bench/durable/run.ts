/**
 * W7, the cost of durability: the same DAGs run in memory (no journal) and
 * durably on the embedded SQLite store and on PostgreSQL (when
 * STEPGRAPH_TEST_PG_URL or DATABASE_URL is set), in one process, runs of each
 * mode interleaved. Reported as milliseconds added per step (p50 and p99 of
 * the per-run differences against the in-memory runs' median), and as the
 * durable/in-memory ratio of median run times.
 *
 * Workloads: the W1 diamond (5 steps, 20–100 ms each) and a 100-step chain of
 * 1 ms steps. Usage: npm run bench:durable [-- --runs N]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pipeline } from "../../src/index.js";
import { postgresStore, sqliteStore, type DurableStore } from "../../src/durable/index.js";
import { W1_DAG } from "../workloads/definitions.js";
import type { Dag } from "../lib/dag.js";

const argRuns = process.argv.indexOf("--runs");
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 15;

const chain: Dag = {
  name: "chain-100",
  nodes: Array.from({ length: 100 }, (_, index) => ({ id: `s${index}`, deps: index === 0 ? [] : [`s${index - 1}`], latencyMs: 1 })),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stepgraph pipeline of `dag`: each step waits its latency and returns its id. */
const pipelineOf = (dag: Dag) => {
  let p = pipeline(dag.name) as unknown as { step(id: string, options: object, run: () => Promise<string>): typeof p; run(input: unknown, options?: object): Promise<unknown> };
  for (const node of dag.nodes) p = p.step(node.id, { after: node.deps }, () => sleep(node.latencyMs).then(() => node.id));
  return p;
};

const quantile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};

interface Mode {
  readonly name: string;
  readonly store: DurableStore | undefined;
}

const modes: Array<Mode> = [{ name: "in memory", store: undefined }, { name: "SQLite", store: sqliteStore({ file: join(mkdtempSync(join(tmpdir(), "stepgraph-w7-")), "runs.db") }) }];
const pgUrl = process.env["STEPGRAPH_TEST_PG_URL"] ?? process.env["DATABASE_URL"];
if (pgUrl !== undefined) modes.push({ name: "PostgreSQL", store: postgresStore({ url: pgUrl }) });

const stamp = Date.now();
const lines: Array<string> = [];
for (const dag of [W1_DAG, chain]) {
  const p = pipelineOf(dag);
  const times = new Map<string, Array<number>>(modes.map((mode) => [mode.name, []]));
  // One warm-up run per mode (opens the store, registers the workflow), then RUNS interleaved.
  for (let round = -1; round < RUNS; round++) {
    for (const mode of modes) {
      const runId = `w7-${stamp}-${dag.name}-${round}`;
      const start = performance.now();
      await p.run(undefined, mode.store === undefined ? {} : { durable: { store: mode.store, runId } });
      const took = performance.now() - start;
      if (round >= 0) times.get(mode.name)!.push(took);
    }
  }
  const base = quantile(times.get("in memory")!, 0.5);
  lines.push(`${dag.name} (${dag.nodes.length} steps), ${RUNS} runs per mode, in memory median ${base.toFixed(1)} ms`);
  for (const mode of modes.slice(1)) {
    const added = times.get(mode.name)!.map((took) => (took - base) / dag.nodes.length);
    const median = quantile(times.get(mode.name)!, 0.5);
    lines.push(
      `  ${mode.name}: median run ${median.toFixed(1)} ms (${(median / base).toFixed(2)}x in memory); added per step p50 ${quantile(added, 0.5).toFixed(2)} ms, p99 ${quantile(added, 0.99).toFixed(2)} ms`,
    );
  }
}
for (const mode of modes) await mode.store?.close();

// LangGraph.js with its checkpointers on the same DAGs, in a process of its own (see langgraph.ts).
const peer = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./langgraph.ts", import.meta.url)), JSON.stringify([W1_DAG, chain]), String(RUNS), pgUrl ?? ""], {
  encoding: "utf8",
  maxBuffer: 1 << 24,
});
if (peer.status === 0) {
  const times = JSON.parse(peer.stdout.trim().split("\n").at(-1)!) as Record<string, Record<string, Array<number>>>;
  for (const dag of [W1_DAG, chain]) {
    const byMode = times[dag.name]!;
    const base = quantile(byMode["in memory"]!, 0.5);
    lines.push(`LangGraph.js ${dag.name}, in memory median ${base.toFixed(1)} ms`);
    for (const [mode, samples] of Object.entries(byMode)) {
      if (mode === "in memory") continue;
      const added = samples.map((took) => (took - base) / dag.nodes.length);
      const median = quantile(samples, 0.5);
      lines.push(`  ${mode} checkpointer: median run ${median.toFixed(1)} ms (${(median / base).toFixed(2)}x in memory); added per step p50 ${quantile(added, 0.5).toFixed(2)} ms, p99 ${quantile(added, 0.99).toFixed(2)} ms`);
    }
  }
} else {
  lines.push(`LangGraph.js unavailable (npm ci --prefix bench installs it): ${peer.stderr.trim().split("\n").slice(-3).join(" ")}`);
}
console.log(`W7, the cost of durability (${new Date().toISOString()}, load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)})`);
console.log(lines.join("\n"));
