import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { startMockOpenAI, type MockOpenAIServer } from "../../src/testing/index.js";
import { itWithPostgres } from "./postgres.js";

const child = fileURLToPath(new URL("./fixtures/worker-child.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

let server: MockOpenAIServer;
beforeAll(async () => {
  // Slow replies, so that runs are in flight when a worker goes.
  server = await startMockOpenAI({ latencyMs: 150 });
});
/** Every worker started, killed after the tests whatever happened (a worker left running would take runs of later tests). */
const started: Array<ChildProcess> = [];
afterAll(async () => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  await server.close();
});

interface Worker {
  readonly process: ChildProcess;
  /** Resolves with the first line starting with `prefix`. */
  line(prefix: string): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const startWorker = (env: Record<string, string>): Worker => {
  const proc = spawn(process.execPath, ["--import", "tsx", child], { cwd: root, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  started.push(proc);
  let out = "";
  let err = "";
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  const check = () => {
    for (const line of out.split("\n")) {
      for (const wait of waiting.filter((entry) => line.startsWith(entry.prefix))) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve(line);
      }
    }
  };
  proc.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    check();
  });
  proc.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    process: proc,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        waiting.push({ prefix, resolve });
        check();
        void exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before printing "${prefix}": ${out}\n${err}`)));
      }),
    exited,
  };
};

/** Requests by run id and step, from the prompts `<runId>:<step>`. */
const executions = () => {
  const counts = new Map<string, number>();
  for (const request of server.requests) {
    const prompt = (request.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    counts.set(prompt, (counts.get(prompt) ?? 0) + 1);
  }
  return counts;
};

const waitFor = async (condition: () => boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Two workers, 50 runs of three agent steps; the submitting worker goes midway by `signal`. */
const splitAndLose = async (url: string, signal: "SIGKILL" | "SIGTERM") => {
  server.reset();
  const prefix = `jobs-${signal}-${Date.now()}`;
  const runs = 50;
  const collector = startWorker({ STORE_URL: url, SERVER_URL: server.url, PREFIX: prefix, COLLECT: String(runs) });
  await collector.line("up");
  const submitter = startWorker({ STORE_URL: url, SERVER_URL: server.url, PREFIX: prefix, SUBMIT: String(runs), SETTLE_MS: "3000" });
  await submitter.line("submitted");
  collector.process.stdin!.write("collect\n");
  // Midway: about a third of the 150 model calls have been made.
  await waitFor(() => server.requests.length >= 50, 60_000);
  submitter.process.kill(signal);
  const gone = await submitter.exited;
  if (signal === "SIGKILL") expect(gone.signal).toBe("SIGKILL");
  else expect(gone.code).toBe(0);
  const line = await collector.line("results ");
  const results = JSON.parse(line.slice("results ".length)) as Array<{ runId: string; output?: string; error?: string; possiblyDuplicated: Array<string> }>;
  expect(results.filter((result) => result.error !== undefined)).toEqual([]);
  expect(results.map((result) => result.output!.split(":")[0])).toEqual(Array.from({ length: runs }, (_, index) => String(index)));
  const counts = executions();
  const twice: Array<string> = [];
  for (const result of results) {
    for (const step of ["one", "two", "three"]) {
      const count = counts.get(`${result.runId}:${step}`) ?? 0;
      expect(count, `${result.runId}:${step}`).toBeGreaterThanOrEqual(1);
      // Only an attempt the journal reports as possibly duplicated ran more than once.
      if (count > 1) {
        twice.push(`${result.runId}:${step}`);
        expect(result.possiblyDuplicated, `${result.runId}:${step} ran ${count} times`).toContain(step);
      }
    }
  }
  return twice;
};

describe("workers sharing PostgreSQL", () => {
  // First: a worker SIGKILLed by the other test stays in the cluster until its locks expire, and the shards it
  // gives up then would move runs in flight.
  itWithPostgres(
    "hand their runs over when closed gracefully, with nothing run twice",
    async (url) => {
      const twice = await splitAndLose(url, "SIGTERM");
      expect(twice).toEqual([]);
    },
    120_000,
  );
  itWithPostgres(
    "finish every run when one of two workers is killed with SIGKILL midway, running no completed step twice",
    async (url) => {
      await splitAndLose(url, "SIGKILL");
    },
    120_000,
  );

});
