/**
 * Workers: processes sharing one PostgreSQL that split durable runs between
 * them. Each worker serves a set of pipelines; a run submitted by any of them
 * is run by whichever worker owns its shard, and a worker that dies hands its
 * runs to the others once its shard locks expire (they resume from the
 * journal: completed steps are not run again).
 */
import { createServer } from "node:net";
import type { Flow } from "../runtime/flow.js";
import type { RunOptions } from "../runtime/options.js";
import type { UntypedResult } from "../runtime/result.js";
import { toMillis, type DurationInput } from "../graph/duration.js";
import { DurableStoreError } from "./errors.js";
import type { Takeover } from "./internal/engine.js";
import { DurableStore } from "./store.js";

/**
 * A pipeline or router a worker serves (what `pipeline(...)` and
 * `router(...)` build), read through the types it carries: its input, and
 * the result its runs resolve with.
 */
export interface Servable<Input = unknown, Result = unknown> {
  readonly name: string;
  readonly "~flow"?: { readonly input: Input; readonly result: Result } | undefined;
}

/** What a pipeline or router is at run time (see flow/runnable.ts): the worker runs its flow. */
const flowOfServable = (pipeline: unknown): Flow => {
  const flowOf = (pipeline as { flowOf?: unknown } | null)?.flowOf;
  if (typeof flowOf !== "function") throw new TypeError("worker({ pipelines }) takes pipelines and routers made by pipeline(...) and router(...).");
  return (flowOf as () => Flow).call(pipeline);
};

/**
 * How quickly the other workers take over the runs of a worker that died
 * (SIGKILL, out of memory, a lost machine). A worker that is closed hands its
 * runs over at once. Shorter settings mean faster takeover and more queries
 * against PostgreSQL; Effect's own defaults (35 s expiration) took about 36 s
 * here, the defaults below about 3 s.
 */
export interface TakeoverOptions {
  /** A worker's runs go to the others once it has not refreshed its shard locks for this long (default 5 s). */
  readonly lockExpiration?: DurationInput | undefined;
  /** How often a live worker refreshes its locks (default 1 s; keep it well under `lockExpiration`). */
  readonly lockRefresh?: DurationInput | undefined;
  /** How often workers check shard assignments, each other's health and new messages (default 1 s). */
  readonly poll?: DurationInput | undefined;
}

/** Options of {@link worker}. */
export interface WorkerOptions {
  /** The PostgreSQL store the workers share (`postgresStore({ url })`). */
  readonly store: DurableStore;
  /** The pipelines and routers this worker runs. Every worker should serve the same ones. */
  readonly pipelines: ReadonlyArray<Servable>;
  /** Run options for the runs this worker runs for others: `services`, `client`, `onEvent`, budgets... */
  readonly runOptions?: Omit<RunOptions, "durable" | "resume" | "signal"> | undefined;
  /** The address other workers reach this one at (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** The port other workers reach this one at (default: a free port). */
  readonly port?: number | undefined;
  readonly takeover?: TakeoverOptions | undefined;
}

/** A submitted run. */
export interface RunHandle<Result> {
  readonly runId: string;
  /** The run's result, wherever it runs; rejects with its error (`DurableRunFailedError` when another worker ran it). */
  result(): Promise<Result>;
}

/** A running worker. */
export interface Worker {
  /**
   * Journals a request to run `runId` of `pipeline` on `input`, and returns
   * once it is stored: whichever worker owns the run's shard runs it, with
   * that worker's `runOptions`. Submitting a run id that ended without
   * completing resumes it; one that completed is left as it is.
   */
  submit<Input, Result>(pipeline: Servable<Input, Result>, input: Input, options: { readonly runId: string }): Promise<RunHandle<Result>>;
  /** The result of run `runId`, submitted by any process sharing the store; waits for it to end. */
  result(runId: string): Promise<UntypedResult>;
  /** Resumes a run that ended stopped (`ctx.stop`) or failed, reusing every completed step: the same as submitting it again. */
  resume<Input, Result>(pipeline: Servable<Input, Result>, runId: string, input: Input): Promise<Result>;
  /** Stops the worker gracefully: its runs in flight are handed to the other workers (nothing completed runs again). */
  close(): Promise<void>;
}

const freePort = (host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

const takeoverOf = (options: TakeoverOptions | undefined): Takeover => ({
  lockExpirationMs: toMillis(options?.lockExpiration ?? 5000, "takeover.lockExpiration"),
  lockRefreshMs: toMillis(options?.lockRefresh ?? 1000, "takeover.lockRefresh"),
  pollMs: toMillis(options?.poll ?? 1000, "takeover.poll"),
});

/**
 * Starts a worker: a process that runs its share of the durable runs of
 * `pipelines`, in a cluster of workers sharing one PostgreSQL store. Needs
 * `@effect/sql-pg` (4.0.5) and `@effect/platform-node-shared` (4.1.0).
 *
 * @example
 * ```ts
 * import { pipeline } from "stepgraph";
 * import { postgresStore, worker } from "stepgraph/durable";
 * const doc = pipeline<{ text: string }>("doc").step("upper", (ctx) => ctx.input.text.toUpperCase());
 * const w = await worker({ store: postgresStore({ url: process.env.DATABASE_URL }), pipelines: [doc] });
 * const handle = await w.submit(doc, { text: "hi" }, { runId: "order-43" });
 * console.log((await handle.result()).output); // "HI"
 * await w.close();
 * ```
 */
export const worker = async (options: WorkerOptions): Promise<Worker> => {
  const { store, pipelines } = options;
  if (!(store instanceof DurableStore) || store.backend.kind !== "postgres") {
    throw new TypeError("worker({ store }) needs a postgresStore(...): workers share their runs through PostgreSQL.");
  }
  if (!Array.isArray(pipelines) || pipelines.length === 0) throw new TypeError("worker({ pipelines }) needs the pipelines and routers the worker runs.");
  const flows = new Map<string, Flow>();
  for (const pipeline of pipelines) {
    const flow = flowOfServable(pipeline);
    flows.set(flow.name, flow);
  }
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await freePort(host));
  const backend = store.backend;
  const own = new DurableStore(`postgres worker ${host}:${port}`, {
    kind: "worker",
    url: backend.url,
    maxConnections: backend.maxConnections,
    host,
    port,
    takeover: takeoverOf(options.takeover),
  });
  const runOptions: RunOptions = { ...options.runOptions };
  try {
    for (const flow of flows.values()) await own.serve(flow, runOptions);
  } catch (error) {
    await own.close();
    throw error instanceof DurableStoreError ? error : new DurableStoreError({ store: own.description, cause: error });
  }
  const pollMs = takeoverOf(options.takeover).pollMs / 4;
  const run = <Input, Result>(pipeline: Servable<Input, Result>, input: Input, runId: string): Promise<Result> =>
    flowOfServable(pipeline).start(input, { ...runOptions, durable: { store: own, runId } }, undefined) as Promise<Result>;
  return {
    submit: async <Input, Result>(pipeline: Servable<Input, Result>, input: Input, { runId }: { readonly runId: string }) => {
      await own.submit(flowOfServable(pipeline).journalTarget(), runId, input);
      return { runId, result: () => own.result(runId, flows, pollMs) as Promise<Result> };
    },
    result: (runId) => own.result(runId, flows, pollMs),
    resume: (pipeline, runId, input) => run(pipeline, input, runId),
    close: () => own.close(),
  };
};
