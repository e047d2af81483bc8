/**
 * Options for one run.
 */
import type { BudgetScope } from "./budget.js";
import type { DurationInput } from "../graph/duration.js";
import type { StepConfig } from "./config.js";
import type { RunSettings } from "./definition.js";
import type { PipelineEvent } from "./events.js";
import type { RateLimiter } from "./rate-limit.js";
import type * as Effect from "effect/Effect";
import type { StepJournal } from "./journal.js";
import type { Checkpoint, UntypedResult } from "./result.js";

/**
 * Options of `p.run(input, options)` and `p.toEffect(input, options)`.
 *
 * @typeParam Services - the services the pipeline declared with `withServices`
 * @typeParam Ids - the pipeline's step ids, so `steps` keys are checked
 */
export interface RunOptions<Services = unknown, Ids extends string = string> extends RunSettings {
  /** Aborting it interrupts every running step; the run rejects with `PipelineCancelledError`. */
  readonly signal?: AbortSignal | undefined;
  /** A deadline for the whole run; the run rejects with `PipelineTimeoutError`. Retries that cannot start before it are not started. */
  readonly timeout?: DurationInput | undefined;
  /** Receives every event of the run as it happens (the same events as `result.trace`). */
  readonly onEvent?: ((event: PipelineEvent) => void) | undefined;
  /** Step config for every step of this run; overrides the pipeline's and `configure`'s. */
  readonly defaults?: StepConfig | undefined;
  /** Step config for single steps of this run, by id: the most specific layer. */
  readonly steps?: { readonly [Id in Ids]?: StepConfig } | undefined;
  /** Outputs of an earlier run of this pipeline (`result.checkpoint`): those steps are not run again. */
  readonly resume?: Checkpoint | undefined;
  /** Further budgets this run is charged to and interrupted by, such as a batch's shared budget. */
  readonly budgets?: ReadonlyArray<BudgetScope> | undefined;
  /**
   * Paces this run's model requests: a number is requests per minute for this
   * run alone; a {@link RateLimiter} is shared with every run it is passed to.
   * Sub-pipelines and routes share their parent's.
   */
  readonly rateLimit?: number | RateLimiter | undefined;
  /** The application services the steps read from `ctx.services`. */
  readonly services?: Services | undefined;
  /**
   * Journals the run in a store from `stepgraph/durable`, under `runId`: run
   * the same id again (after a crash, in another process sharing the store)
   * and its completed steps are taken from the journal, not run again.
   */
  readonly durable?: DurableOptions | undefined;
}

/** Runs a pipeline (or router) with a journal: the durable run's body. */
export type JournalledRun = (journal: StepJournal, options: RunOptions) => Effect.Effect<UntypedResult, unknown>;

/** What the runtime needs of a durable run's identity. */
export interface DurableTarget {
  /** The flow's name. */
  readonly name: string;
  /** The flow's step ids and their dependencies, in order: a journal of a different shape is refused. */
  readonly shape: ReadonlyArray<{ readonly id: string; readonly after: ReadonlyArray<string> }>;
}

/** The key by which a store runs a flow durably; a store is any object with this method. */
export const runDurably: unique symbol = Symbol.for("stepgraph/runDurably");

/** What a durable store offers the runtime. */
export interface DurableRunner {
  [runDurably](
    target: DurableTarget,
    runId: string,
    input: unknown,
    options: RunOptions,
    run: JournalledRun,
  ): Promise<UntypedResult>;
}

/** The `durable` run option: where the run is journalled and under which id. */
export interface DurableOptions {
  /** A store from `stepgraph/durable` (`sqliteStore`, `postgresStore`, `memoryStore`). */
  readonly store: DurableRunner;
  /** The run's id: running the same id again resumes the run (or returns its result if it finished). */
  readonly runId: string;
}

/** Whether `value` is a store the runtime can journal into. */
export const isDurableRunner = (value: unknown): value is DurableRunner =>
  typeof value === "object" && value !== null && typeof (value as { [runDurably]?: unknown })[runDurably] === "function";
