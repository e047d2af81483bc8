/**
 * The benchmark suite: `npm run bench` (tsx bench/run.ts).
 *
 * Installs the peers into bench/node_modules if they are missing, runs W1–W6
 * against every contender that loads (W1, W2, W3 and W5 in child processes,
 * see lib/isolated.ts; W4 one child per contender per round; W6 as the
 * bench/typecheck child), prints the core issue's figures, and writes
 * bench/RESULTS.md and bench/results.json.
 *
 * Flags: --only W1,W3      run some workloads only; prints, and writes the
 *                           files only with --write (they would hold only those)
 *        --quick           fewer rounds (for a smoke test; not for RESULTS.md)
 *        --skip-typecheck  W6 reports "skipped"
 *        --no-write        print only
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { contenderNames, loadContender } from "./contenders/index.js";
import type { Contender } from "./lib/contender.js";
import { criticalPathMs } from "./lib/dag.js";
import { ensurePeersInstalled } from "./lib/install.js";
import { markdownTable, renderResults } from "./lib/report.js";
import type { WorkloadReport } from "./lib/report-types.js";
import { coreIssueTable } from "./lib/core-issue.js";
import { runW1 } from "./workloads/w1-diamond.js";
import { W2_DAG } from "./workloads/definitions.js";
import { runW2 } from "./workloads/w2-random.js";
import { runW3 } from "./workloads/w3-overhead.js";
import { runW4 } from "./workloads/w4-kickoffs.js";
import { runW5 } from "./workloads/w5-agents.js";
import { runW6 } from "./workloads/w6-typecheck.js";

const { values: flags } = parseArgs({
  options: {
    only: { type: "string", default: "W1,W2,W3,W4,W5,W6" },
    quick: { type: "boolean", default: false },
    "skip-typecheck": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    write: { type: "boolean", default: false },
  },
});

const WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6"];
const only = new Set(flags.only.split(",").map((id) => id.trim().toUpperCase()));
const unknown = [...only].filter((id) => !WORKLOADS.includes(id));
if (unknown.length > 0) {
  process.stderr.write(`--only takes workload ids from ${WORKLOADS.join(", ")}, separated by commas; unknown: ${unknown.join(", ")}\n`);
  process.exit(2);
}
const quick = flags.quick;
// A partial run must not replace the full RESULTS.md by accident.
const write = !flags["no-write"] && (flags.write || WORKLOADS.every((id) => only.has(id)));
const suiteStarted = performance.now();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const log = (message: string) => process.stderr.write(`${message}\n`);

ensurePeersInstalled(log);

const versionOf = (packageJson: string): string => {
  try {
    return (JSON.parse(readFileSync(here(packageJson), "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
};

const contenders: Contender[] = [];
const unavailable: { name: string; reason: string }[] = [];
for (const name of contenderNames) {
  const loaded = await loadContender(name);
  if (loaded.ok) contenders.push(loaded.contender);
  else {
    unavailable.push({ name, reason: `could not be loaded: ${loaded.reason} (run \`npm ci --prefix bench\`)` });
    log(`${name}: unavailable (${loaded.reason})`);
  }
}

const reports: WorkloadReport[] = [];
const run = async <Report extends WorkloadReport>(id: string, task: () => Promise<Report>): Promise<Report | undefined> => {
  if (!only.has(id)) return undefined;
  log(`${id}…`);
  const report = await task();
  log(`${id} done in ${report.seconds.toFixed(1)} s`);
  for (const check of report.targets) log(`  ${check.met === undefined ? "n/a " : check.met ? "MET " : "MISS"} ${check.target}: ${check.measured}`);
  reports.push(report);
  return report;
};

const latency = quick ? { warmup: 1, rounds: 3 } : { warmup: 2, rounds: 7 };
await run("W1", () => runW1(contenders, { ...latency, childTimeoutMs: 180_000 }, log));
const w2 = await run("W2", () => runW2(contenders, { ...latency, childTimeoutMs: 180_000 }, log));
const w3 = await run("W3", () =>
  runW3(
    contenders,
    quick
      ? { rounds: 5, slowRounds: 1, sampleMs: 50, warmupMs: 200, slowRunMs: 200, childTimeoutMs: 300_000 }
      : { rounds: 11, slowRounds: 3, sampleMs: 100, warmupMs: 500, slowRunMs: 200, childTimeoutMs: 300_000 },
    log,
  ),
);
await run("W4", () =>
  runW4(contenders, { runs: 2000, concurrency: 50, warmup: 200, rounds: quick ? 1 : 3, childTimeoutMs: 120_000 }),
);
await run("W5", () => runW5(contenders, { ...(quick ? { warmup: 1, rounds: 3 } : { warmup: 3, rounds: 9 }), childTimeoutMs: 180_000 }, log));
await run("W6", () => runW6({ timeoutMs: 300_000, skip: flags["skip-typecheck"] }));

const core = coreIssueTable(w2 === undefined ? undefined : { outcome: w2.outcome, criticalPathMs: criticalPathMs(W2_DAG) }, w3?.outcomes);
console.log("\nCore issue: 100-step random DAG makespan / critical path, and overhead per step for 1,000 zero-latency steps\n");
console.log(markdownTable(core));
console.log("");

const environment = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  loadAverage: loadavg(),
  versions: {
    stepgraph: versionOf("../package.json"),
    effect: versionOf("../node_modules/effect/package.json"),
    "@mastra/core": versionOf("./node_modules/@mastra/core/package.json"),
    "@langchain/langgraph": versionOf("./node_modules/@langchain/langgraph/package.json"),
    "@langchain/core": versionOf("./node_modules/@langchain/core/package.json"),
    openai: versionOf("../node_modules/openai/package.json"),
  },
  totalSeconds: (performance.now() - suiteStarted) / 1000,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
};

const markdown = renderResults(environment, contenders, unavailable, core, reports);
const targets = reports.flatMap((report) => report.targets.map((check) => ({ workload: report.id, ...check })));
if (write) {
  writeFileSync(here("./RESULTS.md"), markdown);
  writeFileSync(
    here("./results.json"),
    `${JSON.stringify({ environment, contenders: contenders.map(({ name, role, encoding }) => ({ name, role, encoding })), unavailable, targets, workloads: reports.map(({ id, title, method, data, seconds, notes }) => ({ id, title, method, notes, seconds, data })) }, null, 2)}\n`,
  );
  log(`wrote bench/RESULTS.md and bench/results.json (${environment.totalSeconds.toFixed(0)} s)`);
} else {
  console.log(markdown);
  log(`bench/RESULTS.md and bench/results.json left as they were (${flags["no-write"] ? "--no-write" : "a partial run; pass --write to replace them"}).`);
}
