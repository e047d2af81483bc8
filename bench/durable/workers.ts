/**
 * W8, runs across workers on PostgreSQL: how many runs per second one and
 * two workers finish (500 runs of a five-step diamond of 1 ms steps,
 * submitted at once), and how long the survivors take to go on with the runs
 * of a worker killed with SIGKILL (takeover: from the kill to the first step
 * another worker starts of a run the dead one had in flight). Needs
 * STEPGRAPH_TEST_PG_URL or DATABASE_URL. Usage: npm run bench:workers
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const url = process.env["STEPGRAPH_TEST_PG_URL"] ?? process.env["DATABASE_URL"];
if (url === undefined) {
  console.log("W8 needs PostgreSQL: set STEPGRAPH_TEST_PG_URL (bash scripts/pg-start.sh starts one).");
  process.exit(0);
}
const child = fileURLToPath(new URL("./worker-child.ts", import.meta.url));

interface Worker {
  readonly proc: ChildProcess;
  readonly lines: Array<{ at: number; line: string }>;
  up: Promise<void>;
}

const start = (env: Record<string, string>, onLine: (line: string, pid: number) => void): Worker => {
  const proc = spawn(process.execPath, ["--import", "tsx", child], { env: { ...process.env, STORE_URL: url, ...env }, stdio: ["pipe", "pipe", "inherit"] });
  const lines: Array<{ at: number; line: string }> = [];
  let buffer = "";
  let resolveUp: () => void = () => undefined;
  const up = new Promise<void>((resolve) => (resolveUp = resolve));
  proc.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push({ at: performance.now(), line });
      if (line === "up") resolveUp();
      onLine(line, proc.pid!);
    }
  });
  return { proc, lines, up };
};

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `runs` diamonds on `count` workers; returns runs per second from the submit to the last completion. */
const throughput = async (count: number, runs: number): Promise<number> => {
  const prefix = `w8-${count}-${Date.now()}`;
  const done = new Set<string>();
  let finished: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const onLine = (line: string) => {
    const match = /^done (\S+)/.exec(line);
    if (match !== null && match[1]!.startsWith(prefix)) {
      done.add(match[1]!);
      if (done.size === runs) finished();
    }
  };
  const workers = Array.from({ length: count }, (_, index) => start({ SUBMIT: index === 0 ? String(runs) : "0", PREFIX: prefix, STEP_MS: "1" }, onLine));
  await Promise.all(workers.map((worker) => worker.up));
  await settle(4000); // shards assigned and stable
  const begin = performance.now();
  workers[0]!.proc.stdin!.write("go\n");
  await all;
  const seconds = (performance.now() - begin) / 1000;
  for (const worker of workers) worker.proc.kill("SIGTERM");
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.proc.once("exit", resolve))));
  await settle(6000); // the next measurement's workers must not find these in the cluster
  return runs / seconds;
};

/** Kills one of two workers with runs in flight; returns ms from the kill to the survivor's first step of a run the dead one had started. */
const takeover = async (): Promise<{ ms: number; completed: number; runs: number }> => {
  const prefix = `w8-takeover-${Date.now()}`;
  const runs = 60;
  const steps: Array<{ at: number; runId: string; pid: number }> = [];
  const done = new Set<string>();
  let finished: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const onLine = (line: string, pid: number) => {
    const step = /^step (\S+) \S+ (\d+)/.exec(line);
    if (step !== null) steps.push({ at: performance.now(), runId: step[1]!, pid });
    const end = /^done (\S+)/.exec(line);
    if (end !== null && end[1]!.startsWith(prefix)) {
      done.add(end[1]!);
      if (done.size === runs) finished();
    }
  };
  const [victim, survivor] = [start({ SUBMIT: String(runs), PREFIX: prefix, STEP_MS: "300" }, onLine), start({ PREFIX: prefix, STEP_MS: "300" }, onLine)];
  await Promise.all([victim.up, survivor.up]);
  await settle(4000);
  victim.proc.stdin!.write("go\n");
  await settle(1500);
  const killedAt = performance.now();
  const inFlight = new Set(steps.filter((step) => step.pid === victim.proc.pid).map((step) => step.runId));
  victim.proc.kill("SIGKILL");
  await Promise.race([all, settle(120_000)]);
  const first = steps.find((step) => step.at > killedAt && step.pid === survivor.proc.pid && inFlight.has(step.runId) && !done.has(step.runId));
  const resumed = steps.filter((step) => step.at > killedAt && step.pid === survivor.proc.pid && inFlight.has(step.runId));
  survivor.proc.kill("SIGTERM");
  await new Promise((resolve) => survivor.proc.once("exit", resolve));
  return { ms: (first ?? resumed[0])?.at === undefined ? Number.NaN : (first ?? resumed[0])!.at - killedAt, completed: done.size, runs };
};

const one = await throughput(1, 500);
const two = await throughput(2, 500);
const taken = await takeover();
const { loadavg } = await import("node:os");
console.log(`W8, runs across workers on PostgreSQL (${new Date().toISOString()}, load average ${loadavg()[0]!.toFixed(1)})`);
console.log(`  500 runs of a 5-step diamond of 1 ms steps: 1 worker ${one.toFixed(0)} runs/s, 2 workers ${two.toFixed(0)} runs/s (${(two / one).toFixed(2)}x; target 1.7x)`);
console.log(`  takeover after SIGKILL (lock expiration 5 s, refresh 1 s, poll 1 s): ${taken.ms.toFixed(0)} ms to the first step of a dead worker's run on the survivor; ${taken.completed}/${taken.runs} runs completed`);
