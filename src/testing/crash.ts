/**
 * The crash matrix, for users to prove their own pipelines resume: run a
 * pipeline durably in a child process, kill it with SIGKILL at each journal
 * boundary in turn, resume it in a second process, and check that the
 * resumed run's outputs equal a crash-free run's and that no step ran in
 * both processes unless the journal reported it as possibly duplicated.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

/** Options of {@link crashMatrix}. */
export interface CrashMatrixOptions {
  /** The module that exports the pipeline: a path or a `file:` URL, loaded in the child processes. */
  readonly module: string | URL;
  /** The name of the pipeline's export (default `"default"`). */
  readonly exportName?: string | undefined;
  /** The run's input: JSON, as every durable run's. */
  readonly input?: unknown;
  /** Node options for the child processes: `["--import", "tsx"]` for a TypeScript module (default: this process's `execArgv`). */
  readonly execArgv?: ReadonlyArray<string> | undefined;
  /** Extra environment for the child processes (an API base URL, say). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Which boundaries to crash at, from 1 (default: every one the crash-free run passed). */
  readonly boundaries?: ReadonlyArray<number> | undefined;
  /** How many cases run at once (default 2). */
  readonly concurrency?: number | undefined;
  /** Per child process (default 60 s). */
  readonly timeoutMs?: number | undefined;
  /** @internal Where `sqliteStore` is imported from (default `stepgraph/durable`). */
  readonly durableModule?: string | undefined;
}

/** One crash: where it was, and what the resumed run did. */
export interface CrashCase {
  /** The boundary the first process was killed at. */
  readonly crashAt: number;
  /** Whether the first process got there (a run whose steps run in parallel may pass fewer boundaries some times). */
  readonly killed: boolean;
  /** Steps that ran in the first process and again in the second. */
  readonly ranTwice: ReadonlyArray<string>;
  /** Steps the resumed run reported as possibly duplicated. */
  readonly possiblyDuplicated: ReadonlyArray<string>;
  /** What is wrong with this case; empty when it resumed as it should. */
  readonly problems: ReadonlyArray<string>;
}

/** What {@link crashMatrix} found. */
export interface CrashMatrixReport {
  /** How many journal boundaries the crash-free run passed. */
  readonly boundaries: number;
  /** The crash-free run's outputs, which every resumed run must equal. */
  readonly outputs: unknown;
  readonly cases: ReadonlyArray<CrashCase>;
  /** Whether every case resumed as it should. */
  readonly ok: boolean;
}

type Line = { started?: string; replayed?: string; outputs?: unknown; possiblyDuplicated?: ReadonlyArray<string>; error?: string };

/** The runner's path: beside this module, in the sources (`.ts`, run through the child's loader) or in dist (`.js`). */
const runnerPath = (): string => {
  const here = typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
  const base = join(dirname(here), "crash-runner");
  return existsSync(`${base}.js`) ? `${base}.js` : `${base}.ts`;
};

const readLog = (file: string): Array<Line> =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Line)
    : [];

interface ChildOutcome {
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stderr: string;
}

/**
 * Proves that a pipeline's durable runs resume: for each journal boundary
 * of a crash-free run, a child process runs the pipeline on an embedded
 * SQLite store and is killed with SIGKILL at that boundary; a second
 * process runs it again. Each case checks that the resumed run completed
 * with the crash-free run's outputs and that every step that ran in both
 * processes is in its `durable.possiblyDuplicated`. Needs `better-sqlite3`.
 *
 * @example
 * ```ts
 * import { crashMatrix } from "stepgraph/testing";
 * const report = await crashMatrix({ module: new URL("./pipelines/doc.ts", import.meta.url), exportName: "docPipeline", input: { document: "…" }, execArgv: ["--import", "tsx"] });
 * if (!report.ok) console.log(report.cases.filter((c) => c.problems.length > 0));
 * ```
 */
export const crashMatrix = async (options: CrashMatrixOptions): Promise<CrashMatrixReport> => {
  const work = mkdtempSync(join(tmpdir(), "stepgraph-crash-matrix-"));
  const moduleUrl = options.module instanceof URL ? options.module.href : options.module.startsWith("file:") ? options.module : pathToFileURL(options.module).href;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = (name: string, env: Record<string, string>): Promise<ChildOutcome> =>
    new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [...(options.execArgv ?? process.execArgv), runnerPath()], {
        env: {
          ...process.env,
          ...options.env,
          STEPGRAPH_CRASH_MODULE: moduleUrl,
          STEPGRAPH_CRASH_EXPORT: options.exportName ?? "default",
          STEPGRAPH_CRASH_INPUT: JSON.stringify(options.input ?? null),
          STEPGRAPH_CRASH_FILE: join(work, `${name}.db`),
          ...(options.durableModule === undefined ? {} : { STEPGRAPH_DURABLE_MODULE: options.durableModule }),
          ...env,
        },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`crashMatrix: a child process took over ${timeoutMs} ms: ${stderr}`));
      }, timeoutMs);
      proc.on("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stderr });
      });
    });

  try {
    const cleanLog = join(work, "clean.log");
    const clean = await child("clean", { STEPGRAPH_CRASH_LOG: cleanLog, STEPGRAPH_CRASH_COUNT: "1" });
    const cleanEnd = readLog(cleanLog).find((line) => line.outputs !== undefined || line.error !== undefined);
    if (clean.code !== 0 || cleanEnd?.outputs === undefined) {
      throw new Error(`crashMatrix: the crash-free run did not complete: ${cleanEnd?.error ?? clean.stderr}`);
    }
    const boundaries = Number(/stepgraph-journal-boundaries (\d+)/.exec(clean.stderr)?.[1] ?? 0);
    const points = options.boundaries ?? Array.from({ length: boundaries }, (_, index) => index + 1);

    const runCase = async (crashAt: number): Promise<CrashCase> => {
      const name = `crash-${crashAt}`;
      const firstLog = join(work, `${name}-first.log`);
      const secondLog = join(work, `${name}-second.log`);
      const first = await child(name, { STEPGRAPH_CRASH_LOG: firstLog, STEPGRAPH_CRASH_AT: String(crashAt) });
      const second = await child(name, { STEPGRAPH_CRASH_LOG: secondLog });
      const problems: Array<string> = [];
      const killed = first.signal === "SIGKILL";
      const ranFirst = new Set(readLog(firstLog).flatMap((line) => (line.started === undefined ? [] : [line.started])));
      const resumed = readLog(secondLog);
      const replayed = new Set(resumed.flatMap((line) => (line.replayed === undefined ? [] : [line.replayed])));
      const ranSecond = new Set(resumed.flatMap((line) => (line.started === undefined || replayed.has(line.started) ? [] : [line.started])));
      const end = resumed.find((line) => line.outputs !== undefined || line.error !== undefined);
      const possiblyDuplicated = end?.possiblyDuplicated ?? [];
      // A step that only runs a nested pipeline or router (its steps show as "<step>/<id>") is journalled through them:
      // it runs again in every process, and its own steps say what ran twice.
      const ids = [...ranFirst, ...ranSecond, ...replayed];
      const nests = (step: string) => ids.some((id) => id.startsWith(`${step}/`));
      const ranTwice = killed ? [...ranFirst].filter((step) => ranSecond.has(step) && !nests(step)) : [];
      if (second.code !== 0 || end?.outputs === undefined) problems.push(`the resumed run did not complete: ${end?.error ?? second.stderr.trim()}`);
      else if (!isDeepStrictEqual(end.outputs, cleanEnd.outputs)) problems.push("the resumed run's outputs differ from the crash-free run's");
      for (const step of ranTwice) if (!possiblyDuplicated.includes(step)) problems.push(`step "${step}" ran in both processes but was not reported as possibly duplicated`);
      return { crashAt, killed, ranTwice, possiblyDuplicated, problems };
    };

    const cases: Array<CrashCase> = [];
    const queue = [...points];
    const workers = Array.from({ length: Math.max(1, options.concurrency ?? 2) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) cases.push(await runCase(next));
    });
    await Promise.all(workers);
    cases.sort((a, b) => a.crashAt - b.crashAt);
    return { boundaries, outputs: cleanEnd.outputs, cases, ok: cases.every((entry) => entry.problems.length === 0) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
