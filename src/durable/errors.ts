/**
 * The errors of durable runs. Tagged classes like the runtime's, each saying
 * what happened and what to do.
 */
import * as Data from "effect/Data";
import { brandErrors } from "../runtime/stepgraph-error.js";

/**
 * A step's output (or a stop's payload, or the run's input) cannot be
 * journalled as JSON and read back the same. Raised as the step's failure
 * when the step returns, never at replay.
 */
export class NotJournallableError extends Data.TaggedError("NotJournallableError")<{
  readonly pipeline: string;
  /** The step whose output it is; undefined for the run's input. */
  readonly stepId: string | undefined;
  /** Which value and why, e.g. `items[2].at is a Date, which would come back from the journal as a plain object`. */
  readonly problem: string;
}> {
  override get message(): string {
    const what = this.stepId === undefined ? "the run's input" : `step "${this.stepId}"'s output`;
    return (
      `Durable run of pipeline "${this.pipeline}": ${what} cannot be journalled: ${this.problem}. ` +
      "Return plain JSON values (strings, numbers, booleans, null, arrays and plain objects): convert Dates to ISO strings, Maps to objects, BigInts to strings."
    );
  }
}

/** The run id was journalled by a pipeline whose steps differ from this one's: resuming it could mix outputs of two shapes. */
export class DurableRunMismatchError extends Data.TaggedError("DurableRunMismatchError")<{
  readonly pipeline: string;
  readonly runId: string;
  /** Each difference, e.g. `step "classify" was removed`. */
  readonly differences: ReadonlyArray<string>;
}> {
  override get message(): string {
    return (
      `Durable run "${this.runId}" cannot be resumed by pipeline "${this.pipeline}": it was journalled by a pipeline of a different shape (${this.differences.join("; ")}). ` +
      "Resume it with the pipeline as it was, or start a new run id."
    );
  }
}

/** A store could not be opened or used: the cause says why (the SQLite file in use by another process, PostgreSQL unreachable). */
export class DurableStoreError extends Data.TaggedError("DurableStoreError")<{
  readonly store: string;
  readonly cause: unknown;
}> {
  override get message(): string {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause);
    return `Durable store ${this.store}: ${cause}`;
  }
}

/**
 * A step's failure as the journal recorded it, when the process that saw
 * the failure is gone (the run is read back from the journal): its original
 * error's name, tag and message.
 */
export class JournalledStepError extends Data.TaggedError("JournalledStepError")<{
  readonly stepId: string;
  /** The original error's `name`. */
  readonly errorName: string;
  /** The original error's `_tag`, for stepgraph's and Effect's tagged errors. */
  readonly tag: string | null;
  readonly message: string;
}> {}

/** A durable run ended without completing in another process (a worker): its journalled ending. */
export class DurableRunFailedError extends Data.TaggedError("DurableRunFailedError")<{
  readonly runId: string;
  /** How the run's last generation ended. */
  readonly status: "failed" | "stopped";
  /** The `name` of the error it failed with, when it failed. */
  readonly errorName: string | undefined;
  readonly reason: string;
}> {
  override get message(): string {
    return this.status === "stopped"
      ? `Durable run "${this.runId}" stopped early (ctx.stop); run it again (p.run with the same runId, or worker.resume) to resume it.`
      : `Durable run "${this.runId}" failed: ${this.errorName === undefined ? "" : `${this.errorName}: `}${this.reason}. Run it again with the same runId to resume it from its completed steps.`;
  }
}

/** No run with this id was ever started in the store. */
export class DurableRunNotFoundError extends Data.TaggedError("DurableRunNotFoundError")<{
  readonly runId: string;
}> {
  override get message(): string {
    return `No durable run "${this.runId}" in this store: submit it first.`;
  }
}

// Every error above is a StepgraphError (see runtime/stepgraph-error.ts).
brandErrors(NotJournallableError, DurableRunMismatchError, DurableStoreError, JournalledStepError, DurableRunFailedError, DurableRunNotFoundError);
