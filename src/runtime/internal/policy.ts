/**
 * Wraps a step's attempts in its timeout and retry policy. A step with
 * neither runs its single attempt with no wrapper at all.
 */
import * as Effect from "effect/Effect";
import { StepTimeoutError } from "../errors.js";
import { withRetries } from "../retry.js";
import { runAttempt } from "./attempt.js";
import type { RunScope } from "./context.js";
import type { CompiledStep } from "./plan.js";

/** A step's attempts as one effect, and how many attempts have started so far. */
export interface StepRun {
  readonly effect: Effect.Effect<unknown, unknown>;
  attempts(): number;
}

/**
 * Builds the effect that runs `step` with its timeout and retries. A retry
 * that could not start before the run's deadline (its own, or one of a run
 * around it) is not started.
 */
export const runWithPolicy = (scope: RunScope, step: CompiledStep): StepRun => {
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
  const { state } = scope;
  const deadline = scope.env.deadline;
  const effect = withRetries(once, {
    retries,
    retryDelayMs,
    attempts: () => attempt,
    allow: deadline === undefined ? undefined : (delayMs) => performance.now() + delayMs < deadline,
    onRetry: (error, delayMs) => state.retrying(step, attempt, delayMs, error),
  });
  return { effect, attempts: () => attempt };
};
