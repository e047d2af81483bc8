/**
 * Options for one run.
 */
import type { BudgetScope } from "./budget.js";
import type { DurationInput } from "../graph/duration.js";
import type { StepConfig } from "./config.js";
import type { RunSettings } from "./definition.js";
import type { PipelineEvent } from "./events.js";
import type { RateLimiter } from "./rate-limit.js";
import type { DurableOptions } from "./journal.js";
import type { Checkpoint } from "./result.js";

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
