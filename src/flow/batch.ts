/**
 * Batch runs: one pipeline (or router) over many inputs, `concurrency` runs at
 * a time, with inputs pulled lazily from any iterable or async iterable.
 */
import type { DurableOptions } from "../runtime/options.js";
import type { RunOptions } from "../runtime/options.js";
import type { RateLimiter } from "../runtime/rate-limit.js";

/** The inputs of a batch: an array, any iterable, or an async iterable (a generator, a file's lines, a cursor). */
export type BatchInputs<Input> = Iterable<Input> | AsyncIterable<Input>;

/** How far a batch has got, as reported to `onProgress`. */
export interface BatchProgress {
  /** Runs that have finished, successfully or not. */
  readonly done: number;
  /** Of `done`, the runs that failed. */
  readonly failed: number;
  /** Runs in flight. */
  readonly running: number;
  /** How many inputs there are, when the inputs say (an array does; a generator does not). */
  readonly total: number | undefined;
  /** What the finished runs cost, in USD (calls of unknown price count as 0). */
  readonly spentUsd: number;
}

/**
 * Options of `runMany` and `stream`: every run option except `resume`, plus
 * the batch's own.
 *
 * @typeParam Services - the services the pipeline declared with `withServices`
 * @typeParam Ids - the pipeline's step ids, so `steps` keys are checked
 */
export interface BatchOptions<Services = unknown, Ids extends string = string>
  extends Omit<RunOptions<Services, Ids>, "resume" | "costBudget" | "signal"> {
  /** How many runs may be in flight at once (default 10). Inputs are pulled only as runs finish, so at most this many are held. `maxConcurrency` still bounds the steps of each run. */
  readonly concurrency?: number | undefined;
  /** Stop the batch at the first failed run: no further input is pulled and runs in flight are interrupted. By default a failed run is reported and the batch goes on. */
  readonly stopOnError?: boolean | undefined;
  /** Called whenever a run starts or finishes. A throwing listener cannot break the batch. */
  readonly onProgress?: ((progress: BatchProgress) => void) | undefined;
  /**
   * A cost budget in USD shared by every run of the batch. Crossing it stops
   * the batch: no further input is pulled, runs in flight are interrupted
   * (their outcome is a `CostBudgetExceededError`), and what finished is
   * reported. A budget per run is set on the pipeline instead
   * (`pipeline(name, { costBudget })` or `configure`).
   */
  readonly costBudget?: number | undefined;
  /**
   * Paces the batch's model requests: at most this many start per minute,
   * spaced evenly across every run of the batch (each retry, tool turn and
   * stream counts; steps without model calls are not slowed). Pass a
   * {@link RateLimiter} to share the limit with other batches or runs.
   */
  readonly rateLimit?: number | RateLimiter | undefined;
  /** Aborting it stops the batch: no further input is pulled and runs in flight are interrupted (their outcome is a `PipelineCancelledError`). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Journals every run of the batch in a store from `stepgraph/durable`:
   * `runId` is the batch's id, and each input's run is `<runId>/<index>`.
   * Running the batch again after a crash returns the stored results of the
   * inputs that completed and resumes the others.
   */
  readonly durable?: DurableOptions | undefined;
}

/**
 * What `runMany` keeps of each successful run: `"result"`, the whole
 * result (usage, trace, timing, checkpoint: about 2 KB for a small pipeline),
 * or `"output"`, only `status` and `output` (plus `stop` for a run that
 * stopped early and `route` for a router): a few dozen bytes, for batches too
 * large to keep every trace.
 */
export type BatchKeep = "result" | "output";

/** The fields `keep: "output"` keeps of a result. */
export type OutputOnly<Result> = Result extends unknown ? Pick<Result, Extract<keyof Result, "status" | "output" | "stop" | "route">> : never;

/** What `runMany` keeps of a result under `keep`. */
export type KeptResult<Result, Keep extends BatchKeep> = [Keep] extends ["output"] ? OutputOnly<Result> : Result;

/** Options of `runMany`: the batch options, and what to keep of each result. */
export interface RunManyOptions<Services = unknown, Ids extends string = string, Keep extends BatchKeep = BatchKeep>
  extends BatchOptions<Services, Ids> {
  /** What to keep of each successful run (default `"result"`, everything); see {@link BatchKeep}. Failed runs keep their error. */
  readonly keep?: Keep | undefined;
}

/**
 * What became of one input of a batch: its run's result, or the error it
 * failed with. `index` is the input's position in the inputs.
 */
export type BatchOutcome<Result, Failure> =
  | { readonly ok: true; readonly index: number; readonly result: Result }
  | { readonly ok: false; readonly index: number; readonly error: Failure };
