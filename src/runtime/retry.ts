/**
 * Retrying with exponential, jittered back-off on Effect's Schedule, shared
 * by step attempts and model calls.
 */
import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";
import * as Schedule from "effect/Schedule";

/**
 * Whether an error may be retried. Errors say so themselves with a boolean
 * `retryable` property (agent and budget errors do); anything else is retried.
 */
export const isRetryable = (error: unknown): boolean =>
  !(typeof error === "object" && error !== null && ((error as { retryable?: unknown }).retryable === false || unretryable.has(error)));

/** Errors that must not be retried although they do not say so themselves: what a call's hooks threw. */
const unretryable = new WeakSet<object>();

/**
 * Marks `error` as never retried, by a call's policy or a step's, and
 * returns it; the error itself is unchanged, so the caller catches what was
 * thrown. A thrown primitive is wrapped in an Error to be marked.
 */
export const refuseRetries = (error: unknown): unknown => {
  const marked = typeof error === "object" && error !== null ? error : new Error(String(error));
  unretryable.add(marked);
  return marked;
};

/** A delay an error asks for (e.g. an HTTP 429's Retry-After), in milliseconds. */
export const requestedDelayMs = (error: unknown): number => {
  const value = typeof error === "object" && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
};

/** How to retry. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** Base delay of the exponential back-off. */
  readonly retryDelayMs: number;
  /** Attempts started so far (the effect counts them). */
  readonly attempts: () => number;
  /** Returns false to give up instead of waiting `delayMs` (e.g. past a deadline). */
  readonly allow?: ((delayMs: number) => boolean) | undefined;
  /** Called just before waiting for a retry that will happen. */
  readonly onRetry?: ((error: unknown, delayMs: number) => void) | undefined;
}

/**
 * Retries `effect` on retryable failures with exponential, jittered back-off
 * that honours a delay the error asks for. The delay step decides everything
 * (attempts left, retryable, allowed), so `onRetry` sees only retries that
 * really happen; when it gives up, the last error is the failure.
 */
export const withRetries = <A, E>(effect: Effect.Effect<A, E>, policy: RetryPolicy): Effect.Effect<A, E> => {
  if (policy.retries === 0) return effect;
  const backoff = Schedule.exponential(policy.retryDelayMs).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((metadata) => {
      const error = metadata.input as E;
      if (policy.attempts() > policy.retries || !isRetryable(error)) return Effect.fail(error);
      const delayMs = Math.max(Duration.toMillis(metadata.duration), requestedDelayMs(error));
      if (policy.allow !== undefined && !policy.allow(delayMs)) return Effect.fail(error);
      policy.onRetry?.(error, delayMs);
      return Effect.succeed(delayMs);
    }),
  );
  return Effect.retry(effect, backoff);
};
