/**
 * The errors a pipeline reports. Each is a tagged class (`_tag`), so Effect
 * users can match with `Effect.catchTag`, and each message says what
 * happened, where, and what to do next.
 */
import * as Data from "effect/Data";
import { brandErrors } from "./stepgraph-error.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import type { PartialResult } from "./result.js";

/** A value as a message fragment: an error's message, a string as is, anything else as JSON. */
export const describe = (value: unknown): string =>
  value instanceof Error ? value.message : typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));

/**
 * An error a run ends with that reports what the run had done (`partial`).
 * A run that reports a nested run's error as its own (a router, its route's)
 * gives it its own report with `withPartial`.
 */
export interface RunFailure {
  readonly partial?: PartialResult | undefined;
  withPartial(partial: PartialResult): this;
}

/** Whether an error is a {@link RunFailure}. */
export const isRunFailure = (error: unknown): error is RunFailure =>
  error instanceof Error && typeof (error as Partial<RunFailure>).withPartial === "function";

/** What the run that failed with `error` had done, when the error says. */
export const partialOf = (error: unknown): PartialResult | undefined => (isRunFailure(error) ? error.partial : undefined);

/** The pipeline is defined wrongly (duplicate or unknown step ids): raised for untyped JavaScript callers. */
export class PipelineDefinitionError extends Data.TaggedError("PipelineDefinitionError")<{
  readonly pipeline: string;
  readonly problem: string;
}> {
  /** Running it again cannot fix a definition: a step that meets one (a call's bad option) is not retried. */
  readonly retryable = false;

  override get message(): string {
    return `Pipeline "${this.pipeline}": ${this.problem}`;
  }
}

/** The run's input failed the pipeline's input schema. No step ran. */
export class PipelineInputError extends Data.TaggedError("PipelineInputError")<{
  readonly pipeline: string;
  readonly issues: ReadonlyArray<StandardSchemaV1.Issue>;
}> {
  override get message(): string {
    const lines = this.issues.map((issue) => {
      const path = (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment));
      return `  - ${path.length > 0 ? `${path.join(".")}: ` : ""}${issue.message}`;
    });
    return `Pipeline "${this.pipeline}" received input that does not match its input schema:\n${lines.join("\n")}`;
  }
}

/** One attempt of a step ran past its `timeout`. */
export class StepTimeoutError extends Data.TaggedError("StepTimeoutError")<{
  readonly stepId: string;
  readonly timeoutMs: number;
  readonly attempt: number;
}> {
  override get message(): string {
    return `Step "${this.stepId}" timed out after ${this.timeoutMs} ms (attempt ${this.attempt}). Raise its timeout or add retries.`;
  }
}

/**
 * A step failed after all its attempts. The steps that depend on it were
 * skipped; `partial` holds what the run had completed.
 */
export class StepExecutionError extends Data.TaggedError("StepExecutionError")<{
  readonly pipeline: string;
  readonly stepId: string;
  readonly cause: unknown;
  readonly attempts: number;
  readonly partial: PartialResult;
}>
  implements RunFailure
{
  withPartial(partial: PartialResult): this {
    return new StepExecutionError({ ...this, partial }) as this;
  }

  override get message(): string {
    const tries = this.attempts === 1 ? "1 attempt" : `${this.attempts} attempts`;
    return `Pipeline "${this.pipeline}": step "${this.stepId}" failed after ${tries}: ${describe(this.cause)}`;
  }
}

/** The run's own `timeout` elapsed; running steps were interrupted. */
export class PipelineTimeoutError extends Data.TaggedError("PipelineTimeoutError")<{
  readonly pipeline: string;
  readonly timeoutMs: number;
  readonly partial: PartialResult;
}>
  implements RunFailure
{
  withPartial(partial: PartialResult): this {
    return new PipelineTimeoutError({ ...this, partial }) as this;
  }

  override get message(): string {
    return `Pipeline "${this.pipeline}" did not finish within its run timeout of ${this.timeoutMs} ms; running steps were interrupted.`;
  }
}

/** The caller's `signal` aborted the run; running steps were interrupted. */
export class PipelineCancelledError extends Data.TaggedError("PipelineCancelledError")<{
  readonly pipeline: string;
  readonly reason: unknown;
  readonly partial: PartialResult;
}>
  implements RunFailure
{
  withPartial(partial: PartialResult): this {
    return new PipelineCancelledError({ ...this, partial }) as this;
  }

  override get message(): string {
    const reason = this.reason === undefined ? "" : `: ${describe(this.reason)}`;
    return `Pipeline "${this.pipeline}" was cancelled by its signal${reason}`;
  }
}

/** `resume` was given a checkpoint from another pipeline, or from a version whose steps differ. */
export class CheckpointMismatchError extends Data.TaggedError("CheckpointMismatchError")<{
  readonly pipeline: string;
  readonly problem: string;
}> {
  override get message(): string {
    return `Pipeline "${this.pipeline}" cannot resume from this checkpoint: ${this.problem} Start a fresh run instead.`;
  }
}

/** Where a budget was set: a run's, a step's, a batch's, or one call's (`agent.run(input, { costBudget })`). */
export type BudgetScopeKind = "run" | "step" | "batch" | "call";

/**
 * A cost budget was reached: either a model call's worst-case reservation did
 * not fit in what was left (`refused: true`, nothing was sent), or actual
 * spend crossed the budget, in which case every in-flight step under it was
 * interrupted. Never retried.
 */
export class CostBudgetExceededError extends Data.TaggedError("CostBudgetExceededError")<{
  readonly budgetUsd: number;
  readonly spentUsd: number;
  readonly scope: BudgetScopeKind;
  /** The step whose budget this is (for a step budget), else the step whose call hit the budget. */
  readonly stepId: string | undefined;
  readonly refused: boolean;
  /** What the run had done; set when the run rejects with this error. */
  readonly partial?: PartialResult | undefined;
}>
  implements RunFailure
{
  /** Budget errors are never retried. */
  readonly retryable = false;
  /**
   * Crossing a budget ends the run at once, interrupting in-flight steps. A
   * refusal does not: steps already running finish (their calls are
   * reserved, so they cannot overspend), then the run rejects with it.
   */
  get endsRun(): boolean {
    return !this.refused;
  }

  withPartial(partial: PartialResult): this {
    return new CostBudgetExceededError({ ...this, partial }) as this;
  }

  override get message(): string {
    const where = this.scope === "step" ? `step "${this.stepId}"'s budget` : `the ${this.scope}'s budget`;
    const what = this.refused
      ? `a model call${this.stepId === undefined ? "" : ` in step "${this.stepId}"`} was refused before sending: its worst-case cost does not fit in what is left of ${where}`
      : this.scope === "call"
        ? `spend crossed ${where}; the call was interrupted`
        : `spend crossed ${where}; in-flight ${this.stepId === undefined ? "calls and steps" : "steps"} under it were interrupted`;
    return `Cost budget of $${this.budgetUsd} reached ($${this.spentUsd.toFixed(9).replace(/0+$/, "").replace(/\.$/, "")} spent): ${what}. Raise costBudget or set maxTokens lower.`;
  }
}

/** Any error a run can end with. */
export type PipelineError =
  | PipelineDefinitionError
  | PipelineInputError
  | StepExecutionError
  | PipelineTimeoutError
  | PipelineCancelledError
  | CheckpointMismatchError
  | CostBudgetExceededError;

// Every error above is a StepgraphError (see runtime/stepgraph-error.ts).
brandErrors(PipelineDefinitionError, PipelineInputError, StepTimeoutError, StepExecutionError, PipelineTimeoutError, PipelineCancelledError, CheckpointMismatchError, CostBudgetExceededError);
