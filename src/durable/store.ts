/**
 * Stores for durable runs: where a run's journal lives. Pass one as
 * `durable: { store, runId }` to `run`; the same call after a crash (or from
 * another process sharing a PostgreSQL store) resumes the run.
 */
import * as Cause from "effect/Cause";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Layer from "effect/Layer";
import * as References from "effect/References";
import * as Scope from "effect/Scope";
import * as WorkflowEngine from "effect/workflow/WorkflowEngine";
import { journalledRunOf } from "../runtime/durable-run.js";
import type { Flow } from "../runtime/flow.js";
import { runDurably, type DurableRunner, type DurableTarget, type JournalledRun } from "../runtime/options.js";
import type { RunOptions } from "../runtime/options.js";
import type { DurableReport, UntypedResult } from "../runtime/result.js";
import { DurableRunFailedError, DurableRunMismatchError, DurableRunNotFoundError, DurableStoreError, NotJournallableError } from "./errors.js";
import { engineLayer, Registry, type Backend, type EngineServices } from "./internal/engine.js";
import { jsonProblem } from "./internal/json.js";
import { differences } from "./internal/registry.js";
import { Drain } from "./internal/journal.js";
import { bodyOf, defineWorkflow, poll, type Ending, type LiveRun, type RunWorkflow } from "./internal/runs.js";

/** A library does not write to the console: the engine's own info logs ("Listening on ...") are dropped, its warnings kept. */
const quiet = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> => Effect.provideService(effect, References.MinimumLogLevel, "Warn");

/** The report of a run's journal events. */
const reportOf = (runId: string, generation: number, result: UntypedResult, fromJournal: boolean): DurableReport => {
  const replayed: Array<string> = [];
  const possiblyDuplicated: Array<string> = [];
  for (const event of result.trace) {
    if (event.type !== "journal") continue;
    if (event.replayed) replayed.push(event.stepId);
    if (event.possiblyDuplicated) possiblyDuplicated.push(event.stepId);
  }
  return { runId, generation, replayed, possiblyDuplicated, fromJournal };
};

/**
 * A store for durable runs. Made by {@link memoryStore}, {@link sqliteStore}
 * or {@link postgresStore}; opened on first use; {@link DurableStore.close}
 * releases it (the SQLite file's lock, PostgreSQL's connections).
 */
export class DurableStore implements DurableRunner {
  private opened: Promise<Context.Context<EngineServices>> | undefined;
  private readonly scope = Effect.runSync(Scope.make());
  /** Each pipeline shape's workflow, by tag, once registered with the engine. */
  private readonly workflows = new Map<string, Promise<RunWorkflow>>();
  /** Callers waiting for a generation, by execution id. */
  private readonly live = new Map<string, LiveRun>();
  /** How this process runs the runs of the workflows it serves (a worker's pipelines) that no caller waits for, by workflow tag. */
  private readonly served = new Map<string, (input: unknown) => LiveRun>();
  private closed = false;
  /** The steps in flight in this process, which closing waits for. */
  private readonly drain = new Drain();

  /** @internal Use memoryStore, sqliteStore or postgresStore. */
  constructor(
    /** What the store is, for messages: `memory`, `sqlite:<file>`, `postgres`. */
    readonly description: string,
    /** @internal */
    readonly backend: Backend,
  ) {}

  /**
   * Releases the store: no run can use it after. Steps in flight finish and
   * are journalled first (for up to `drainTimeoutMs`, default 30 s), no new
   * step starts, and the runs still unfinished resume where they go next:
   * another worker, or this store opened again.
   */
  async close(options: { readonly drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opened !== undefined) await this.drain.close(options.drainTimeoutMs ?? 30_000);
    await Effect.runPromise(Scope.close(this.scope, Exit.void));
  }

  private context(): Promise<Context.Context<EngineServices>> {
    if (this.closed) return Promise.reject(new DurableStoreError({ store: this.description, cause: new Error("the store was closed") }));
    this.opened ??= Effect.runPromise(
      quiet(Effect.mapError(Layer.buildWithScope(engineLayer(this.backend), this.scope), (cause) => new DurableStoreError({ store: this.description, cause }))),
    ).catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  private async use<A>(effect: Effect.Effect<A, unknown, EngineServices | Scope.Scope>): Promise<A> {
    const context = await this.context();
    const exit = await Effect.runPromiseExit(quiet(Effect.provideContext(Effect.provideService(effect, Scope.Scope, this.scope), context)));
    if (Exit.isSuccess(exit)) return exit.value;
    throw Cause.squash(exit.cause);
  }

  /** The workflow of a pipeline shape, registered with the engine on first use. */
  private workflowOf(target: DurableTarget): Promise<RunWorkflow> {
    const workflow = defineWorkflow(target);
    let registered = this.workflows.get(workflow._tag);
    if (registered === undefined) {
      const { live, served, drain } = this;
      registered = this.use(
        Effect.flatMap(Registry, (registry) =>
          Effect.flatMap(WorkflowEngine.WorkflowEngine, (engine) =>
            engine.register(workflow, bodyOf(target, live, () => served.get(workflow._tag), drain, registry) as never),
          ),
        ),
      ).then(() => workflow);
      registered.catch(() => this.workflows.delete(workflow._tag));
      this.workflows.set(workflow._tag, registered);
    }
    return registered;
  }

  /**
   * @internal Runs `flow`'s durable runs that no caller in this process waits
   * for (a worker's), with `options`; registers its workflow now, so the
   * engine hands this process its share of them.
   */
  async serve(flow: Flow, options: RunOptions): Promise<void> {
    const target = flow.journalTarget();
    const workflow = defineWorkflow(target);
    this.served.set(workflow._tag, (input) => ({ run: journalledRunOf(flow, input), options, taken: false, exit: undefined }));
    await this.workflowOf(target);
  }

  /** The payload of a run's generation, which names its workflow execution. */
  private static fields(runId: string, generation: number, input: unknown, previous: Ending | undefined) {
    const resumable = previous !== undefined && previous.status !== "completed" ? previous : undefined;
    return {
      runId,
      generation,
      input: (input ?? null) as never,
      carried: (resumable?.usage ?? null) as never,
      checkpoint: (resumable?.checkpoint ?? null) as never,
    };
  }

  /** Checks the input, records the run's identity (or refuses a run of another shape), and registers its workflow. */
  private async claim(target: DurableTarget, runId: string, input: unknown): Promise<RunWorkflow> {
    const problem = jsonProblem(input);
    if (problem !== undefined) throw new NotJournallableError({ pipeline: target.name, stepId: undefined, problem });
    const identity = { pipeline: target.name, shape: target.shape };
    const journalled = await this.use(Effect.flatMap(Registry, (registry) => registry.claim(runId, identity)));
    const changed = differences(journalled, identity);
    if (changed.length > 0) throw new DurableRunMismatchError({ pipeline: target.name, runId, differences: changed });
    return this.workflowOf(target);
  }

  /**
   * The generation of run `runId` to run or wait for: the first one that has
   * not ended without completing (a failed, cancelled or stopped generation
   * is resumed by the next, from its checkpoint and spend). Records it in the
   * registry when it is a later one that has not ended.
   */
  private async currentGeneration(workflow: RunWorkflow, runId: string, input: unknown) {
    let generation = 1;
    let previous: Ending | undefined;
    for (;;) {
      const fields = DurableStore.fields(runId, generation, input, previous);
      const executionId = await this.use(workflow.executionId(fields));
      const polled = await this.use(poll(workflow, executionId));
      if (polled.state === "ended" && polled.ending.status !== "completed") {
        previous = polled.ending;
        generation++;
        continue;
      }
      if (polled.state !== "ended" && generation > 1) await this.use(Effect.flatMap(Registry, (registry) => registry.advance(runId, generation)));
      return { generation, fields, executionId, polled };
    }
  }

  /**
   * @internal Journals a request to run `runId` (or to resume it, when it
   * ended without completing) and returns once it is stored, without
   * waiting for it: the workers serving its pipeline run it.
   */
  async submit(target: DurableTarget, runId: string, input: unknown): Promise<void> {
    const workflow = await this.claim(target, runId, input);
    const { fields, executionId, polled } = await this.currentGeneration(workflow, runId, input);
    if (polled.state === "ended") return;
    if (polled.state === "suspended") await this.use(workflow.resume(executionId));
    else await this.use(workflow.execute(fields, { discard: true }));
  }

  /** @internal The runtime's entry: see runtime/options.ts. */
  async [runDurably](target: DurableTarget, runId: string, input: unknown, options: RunOptions, run: JournalledRun): Promise<UntypedResult> {
    const workflow = await this.claim(target, runId, input);
    const { generation, fields, executionId, polled } = await this.currentGeneration(workflow, runId, input);
    if (polled.state === "ended") return storedResult(runId, generation, polled.ending);
    const caller: LiveRun = { run, options, taken: false, exit: undefined };
    this.live.set(executionId, caller);
    try {
      if (polled.state === "suspended") await this.use(workflow.resume(executionId));
      const executed = this.use(workflow.execute(fields));
      await this.resumeIfParked(workflow, executionId, caller, executed);
      const ending = (await executed.catch((error: unknown) => {
        if (!this.closed) throw error;
        throw new DurableStoreError({
          store: this.description,
          cause: new Error(`the store was closed while run "${runId}" was in flight; run it again with a store on the same database to resume it`),
        });
      })) as unknown as Ending;
      const exit = caller.exit;
      // Another process (a worker) ran this generation to its end.
      if (exit === undefined) return endedElsewhere(runId, generation, ending);
      if (Exit.isSuccess(exit)) return { ...exit.value, durable: reportOf(runId, generation, exit.value, false) };
      throw Cause.squash(exit.cause);
    } finally {
      this.live.delete(executionId);
    }
  }

  /**
   * Resumes the generation while the caller waits for it, if its body
   * parked it for want of a caller: a restarted process's engine may start
   * an unfinished run the moment its workflow is registered, just before
   * the caller is in place.
   */
  private async resumeIfParked(workflow: RunWorkflow, executionId: string, caller: LiveRun, executed: Promise<unknown>): Promise<void> {
    let settled = false;
    const done = executed.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let wait = 50; !settled && !caller.taken && !this.closed; wait = Math.min(wait * 2, 1000)) {
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, wait))]);
      if (settled || caller.taken || this.closed) return;
      const polled = await this.use(poll(workflow, executionId));
      if (polled.state === "suspended" && !caller.taken) await this.use(workflow.resume(executionId));
    }
  }

  /**
   * @internal The result of run `runId`, wherever it runs: waits (polling
   * every `pollMs`) for its latest generation to end. Rejects with
   * {@link DurableRunFailedError} when it ended without completing.
   */
  async result(runId: string, flows: ReadonlyMap<string, Flow>, pollMs: number): Promise<UntypedResult> {
    for (;;) {
      const found = await this.use(Effect.flatMap(Registry, (registry) => registry.find(runId)));
      if (found === undefined) throw new DurableRunNotFoundError({ runId });
      const flow = flows.get(found.pipeline);
      if (flow === undefined) throw new DurableStoreError({ store: this.description, cause: new Error(`run "${runId}" belongs to pipeline "${found.pipeline}", which this worker does not serve`) });
      const workflow = await this.workflowOf(flow.journalTarget());
      let generation = found.generation;
      let ending: Ending | undefined;
      // Walk past generations that ended (a resumed run's next one may have started since the registry was read).
      for (;;) {
        const polled = await this.use(poll(workflow, await this.use(workflow.executionId(DurableStore.fields(runId, generation, null, undefined)))));
        if (polled.state !== "ended") break;
        ending = polled.ending;
        if (ending.status === "completed") return storedResult(runId, generation, ending);
        generation++;
      }
      if (ending !== undefined && generation > found.generation) {
        const next = await this.use(Effect.flatMap(Registry, (registry) => registry.find(runId)));
        if ((next?.generation ?? 0) < generation) return endedElsewhere(runId, generation - 1, ending);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** A completed generation's stored result. */
const storedResult = (runId: string, generation: number, ending: Ending): UntypedResult => {
  const result = (ending as { result: UntypedResult }).result;
  return { ...result, durable: reportOf(runId, generation, result, true) };
};

/** The outcome of a generation that another process ran: its stored result, or its ending as an error. */
const endedElsewhere = (runId: string, generation: number, ending: Ending): UntypedResult => {
  if (ending.status === "completed") return storedResult(runId, generation, ending);
  throw new DurableRunFailedError({ runId, status: ending.status, errorName: ending.error?.name, reason: ending.error?.message ?? "it stopped early" });
};

/**
 * A store in memory, for tests: runs are journalled for as long as the
 * store lives (a run of the same id in the same process returns the
 * journalled result), and lost with the process.
 *
 * @example
 * ```ts
 * import { memoryStore } from "stepgraph/durable";
 * const store = memoryStore();
 * // await p.run(input, { durable: { store, runId: "order-42" } });
 * await store.close();
 * ```
 */
export const memoryStore = (): DurableStore => new DurableStore("memory", { kind: "memory" });

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; created with its folder if missing. */
  readonly file: string;
}

/**
 * The embedded store: one SQLite file, no server. It belongs to one process
 * at a time (it holds the file's lock; a second process fails at once with
 * a {@link DurableStoreError} saying so): use {@link postgresStore} to share
 * runs between processes. Needs the `better-sqlite3` package (version 12).
 *
 * @example
 * ```ts
 * import { sqliteStore } from "stepgraph/durable";
 * const store = sqliteStore({ file: ".stepgraph/runs.db" });
 * // await p.run(input, { durable: { store, runId: "order-42" } });
 * await store.close();
 * ```
 */
export const sqliteStore = (options: SqliteStoreOptions): DurableStore => {
  if (typeof options?.file !== "string" || options.file.length === 0) {
    throw new TypeError(`sqliteStore({ file }) needs the database file's path; got ${JSON.stringify(options?.file)}.`);
  }
  return new DurableStore(`sqlite:${options.file}`, { kind: "sqlite", file: options.file });
};

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** A `postgres://` URL; defaults to the `DATABASE_URL` environment variable. */
  readonly url?: string | undefined;
  /** The most connections the store opens (default 10). */
  readonly maxConnections?: number | undefined;
}

/**
 * A store in PostgreSQL: runs survive any process, and every process
 * sharing the database can resume them. Needs the `@effect/sql-pg` package
 * (4.0.5).
 *
 * @example
 * ```ts
 * import { postgresStore } from "stepgraph/durable";
 * const store = postgresStore({ url: "postgres://postgres@127.0.0.1:5432/app" });
 * // await p.run(input, { durable: { store, runId: "order-42" } });
 * await store.close();
 * ```
 */
export const postgresStore = (options: PostgresStoreOptions = {}): DurableStore => {
  const url = options.url ?? process.env["DATABASE_URL"];
  if (typeof url !== "string" || url.length === 0) {
    throw new TypeError("postgresStore() needs a PostgreSQL URL: pass { url } or set DATABASE_URL.");
  }
  const maxConnections = options.maxConnections ?? 10;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new TypeError(`postgresStore({ maxConnections }) must be a whole number of at least 1; got ${String(maxConnections)}.`);
  }
  return new DurableStore("postgres", { kind: "postgres", url, maxConnections });
};
