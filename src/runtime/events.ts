/**
 * The events a run emits, in order. The same values make up `result.trace`
 * and reach `onEvent` live, so tracing can be built from one source.
 */

/** Fields every event carries. */
interface EventBase {
  readonly stepId: string;
  /** Milliseconds since the run started. */
  readonly at: number;
}

/** A step attempt started. `attempt` counts from 1. */
export interface StepStartEvent extends EventBase {
  readonly type: "start";
  readonly attempt: number;
}

/** An attempt failed and another will start after `delayMs`. */
export interface StepRetryEvent extends EventBase {
  readonly type: "retry";
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/** A step finished with an output. */
export interface StepSuccessEvent extends EventBase {
  readonly type: "success";
  readonly attempt: number;
  readonly durationMs: number;
}

/** A step failed after all its attempts. */
export interface StepFailureEvent extends EventBase {
  readonly type: "failure";
  readonly attempts: number;
  readonly error: unknown;
}

/** A step did not run: a dependency failed, its condition was false, or the run stopped early. */
export interface StepSkipEvent extends EventBase {
  readonly type: "skip";
  readonly reason: "dependency-failed" | "condition-false" | "run-stopped";
}

/** A step ended the run early with `ctx.stop(payload)`. */
export interface StepStopEvent extends EventBase {
  readonly type: "stop";
  readonly attempt: number;
  readonly payload: unknown;
}

/** A model call finished (successfully or not), with what it was billed. */
export interface ModelCallEvent extends EventBase {
  readonly type: "call";
  readonly model: string;
  /** When the request was sent, in milliseconds since the run started. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** `null` when the model has no known price, or the request was abandoned. */
  readonly costNanoUsd: number | null;
  /** The error, when the call failed. */
  readonly error?: unknown;
  /**
   * Set when the request was sent but its billed usage never arrived (it was
   * abandoned by a timeout or cancellation, the connection was lost, or the
   * reply was not a completion): tokens and cost are then unknown, and its
   * reservation (`reservedNanoUsd`) stays charged in every budget it was under.
   */
  readonly abandoned?: { readonly reservedNanoUsd: number };
}

/**
 * A call's hooks ran around one model request (runtime/hooks.ts): the
 * `beforeCall` hooks (after pacing and reservation, before sending) or the
 * `afterCall` hooks (after the reply was accounted).
 */
export interface CallHookEvent extends EventBase {
  readonly type: "hook";
  readonly hook: "beforeCall" | "afterCall";
  readonly model: string;
  /** When the hooks started, in milliseconds since the run started. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** What a hook threw: the call failed with it, and is not retried. */
  readonly error?: unknown;
  /** Set when a `beforeCall` hook threw a `CallSkippedError`: the request was not sent. */
  readonly skipped?: true;
}

/** Any event of a run. */
/**
 * A durable run's journal speaking about a step: `replayed` when the step's
 * outcome was taken from the journal (it did not run, and cost nothing
 * again), `possiblyDuplicated` when a crash cut an earlier run of the step
 * short, so it runs again and its effects (model calls, writes) may have
 * happened twice.
 */
export interface StepJournalEvent extends EventBase {
  readonly type: "journal";
  readonly replayed: boolean;
  readonly possiblyDuplicated: boolean;
}

export type PipelineEvent =
  | StepStartEvent
  | StepRetryEvent
  | StepSuccessEvent
  | StepFailureEvent
  | StepSkipEvent
  | StepStopEvent
  | ModelCallEvent
  | CallHookEvent
  | StepJournalEvent;
