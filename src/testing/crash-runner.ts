/**
 * The child process of `crashMatrix`: runs one pipeline durably on a SQLite
 * file and records, synchronously (so a SIGKILL loses nothing), every step
 * attempt that started and every step taken from the journal, then the
 * result. Not meant to be run by hand.
 *
 * env: STEPGRAPH_CRASH_MODULE (file URL of the module), STEPGRAPH_CRASH_EXPORT,
 * STEPGRAPH_CRASH_INPUT (JSON), STEPGRAPH_CRASH_FILE (the SQLite file),
 * STEPGRAPH_CRASH_LOG (the log file), STEPGRAPH_DURABLE_MODULE (where
 * `sqliteStore` comes from; `stepgraph/durable` by default).
 */
import { appendFileSync } from "node:fs";

interface Event {
  readonly type: string;
  readonly stepId: string;
  readonly replayed?: boolean;
}

interface Runnable {
  run(input: unknown, options: unknown): Promise<{ readonly outputs: unknown; readonly durable?: { readonly possiblyDuplicated: ReadonlyArray<string> } }>;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`crash runner: ${name} is not set`);
  return value;
};

const log = (line: object): void => appendFileSync(env("STEPGRAPH_CRASH_LOG"), `${JSON.stringify(line)}\n`);

const durable = (await import(process.env["STEPGRAPH_DURABLE_MODULE"] ?? "stepgraph/durable")) as {
  sqliteStore(options: { file: string }): { close(): Promise<void> };
};
const module = (await import(env("STEPGRAPH_CRASH_MODULE"))) as Record<string, unknown>;
const pipeline = module[env("STEPGRAPH_CRASH_EXPORT")] as Runnable | undefined;
if (pipeline === undefined || typeof pipeline.run !== "function") {
  throw new Error(`crash runner: ${env("STEPGRAPH_CRASH_MODULE")} has no pipeline export "${env("STEPGRAPH_CRASH_EXPORT")}"`);
}
const store = durable.sqliteStore({ file: env("STEPGRAPH_CRASH_FILE") });
try {
  const result = await pipeline.run(JSON.parse(env("STEPGRAPH_CRASH_INPUT")) as unknown, {
    durable: { store, runId: "crash-matrix" },
    onEvent: (event: Event) => {
      if (event.type === "start") log({ started: event.stepId });
      if (event.type === "journal" && event.replayed === true) log({ replayed: event.stepId });
    },
  });
  log({ outputs: result.outputs, possiblyDuplicated: result.durable?.possiblyDuplicated ?? [] });
} catch (error) {
  log({ error: String(error) });
  process.exitCode = 1;
} finally {
  await store.close();
}
