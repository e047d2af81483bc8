/**
 * Wraps a step's attempts in its timeout and retry policy. A step with
 * neither runs its single attempt with no wrapper at all.
 */
import { Duration, Effect, Schedule } from "effect";
import { StepTimeoutError } from "../errors.js";
import { runAttempt } from "./attempt.js";
import type { RunScope } from "./context.js";
import type { CompiledStep } from "./plan.js";

/** A step's outcome: its output and how many attempts it took, or the last error. */
export interface StepRun {
  readonly effect: Effect.Effect<unknown, unknown>;
  /** How many attempts have started so far. */
  attempts(): number;
}

/**
 * Whether an error may be retried. Errors say so themselves with a boolean
 * `retryable` property (agent errors do); anything else is retried.
 */
export const isRetryable = (error: unknown): boolean =>
  !(typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === false);

/** A delay an error asks for (e.g. an HTTP 429's Retry-After), in milliseconds. */
const requestedDelayMs = (error: unknown): number => {
  const value = typeof error === "object" && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
};

/**
 * Builds the effect that runs `step` with its timeout and retries. `deadline`
 * is the run's deadline in run-relative milliseconds: a retry that could not
 * start before it is not started.
 */
export const runWithPolicy = (scope: RunScope, step: CompiledStep, deadline: number | undefined): StepRun => {
  const { timeoutMs, retries, retryDelayMs } = step.config;
  if (timeoutMs === undefined && retries === 0) return { effect: runAttempt(scope, step, 1), attempts: () => 1 };
  let attempt = 0;
  const once = Effect.suspend(() => {
    const current = ++attempt;
    const effect = runAttempt(scope, step, current);
    if (timeoutMs === undefined) return effect;
    return Effect.timeoutOrElse(effect, {
      duration: timeoutMs,
      orElse: () => Effect.fail(new StepTimeoutError({ stepId: step.id, timeoutMs, attempt: current })),
    });
  });
  if (retries === 0) return { effect: once, attempts: () => attempt };
  const backoff = Schedule.exponential(retryDelayMs).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((metadata) => {
      const error: unknown = metadata.input;
      if (attempt > retries || !isRetryable(error)) return Effect.fail(error);
      const delayMs = Math.max(Duration.toMillis(metadata.duration), requestedDelayMs(error));
      const at = scope.state.now();
      if (deadline !== undefined && at + delayMs >= deadline) return Effect.fail(error);
      scope.state.emit({ type: "retry", stepId: step.id, attempt, delayMs, error, at });
      return Effect.succeed(delayMs);
    }),
  );
  // The delay step decides everything (attempts left, retryable, deadline), so
  // a retry event is emitted only for a retry that really happens.
  const effect = Effect.retry(once, backoff);
  return { effect, attempts: () => attempt };
};
