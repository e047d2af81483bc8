/**
 * Step configuration and how its layers resolve: the most specific layer wins.
 */
import * as Duration from "effect/Duration";

/**
 * A duration: milliseconds as a number, or an Effect duration string such as
 * `"5 seconds"` or `"250 millis"`.
 */
export type DurationInput = number | `${number} ${Duration.Unit}`;

/** How one step runs: per-attempt timeout, retries and their back-off, and budget. */
export interface StepConfig {
  /** Time limit for each attempt. A step that exceeds it fails with `StepTimeoutError` (and may be retried). */
  readonly timeout?: DurationInput | undefined;
  /** How many times a failed attempt is retried (0 by default). Errors with `retryable: false` are never retried. */
  readonly retries?: number | undefined;
  /** Base delay of the exponential, jittered back-off between attempts (100 ms by default). */
  readonly retryDelay?: DurationInput | undefined;
  /** A cost budget in USD for this step's model calls. */
  readonly costBudget?: number | undefined;
}

/** A {@link StepConfig} with its layers merged and its durations in milliseconds. */
export interface ResolvedStepConfig {
  readonly timeoutMs: number | undefined;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly costBudget: number | undefined;
}

const DEFAULT_RETRY_DELAY_MS = 100;

/** Converts a {@link DurationInput} to milliseconds, rejecting what is not a duration. */
export const toMillis = (input: DurationInput, what: string): number => {
  const millis = typeof input === "number" ? input : Duration.fromInput(input);
  const value = typeof millis === "number" ? millis : millis._tag === "Some" ? Duration.toMillis(millis.value) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `${what}: ${JSON.stringify(input)} is not a duration. Use milliseconds (e.g. 5000) or a string such as "5 seconds".`,
    );
  }
  return value;
};

/**
 * Merges configuration layers, least specific first: pipeline defaults, the
 * step's own options, `configure({ steps })`, run options, per-call overrides.
 */
export const resolveStepConfig = (
  layers: ReadonlyArray<StepConfig | undefined>,
  what: string,
): ResolvedStepConfig => {
  let timeout: DurationInput | undefined;
  let retries: number | undefined;
  let retryDelay: DurationInput | undefined;
  let costBudget: number | undefined;
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer.timeout !== undefined) timeout = layer.timeout;
    if (layer.retries !== undefined) retries = layer.retries;
    if (layer.retryDelay !== undefined) retryDelay = layer.retryDelay;
    if (layer.costBudget !== undefined) costBudget = layer.costBudget;
  }
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
    throw new TypeError(`${what}: retries must be a whole number of at least 0, got ${String(retries)}.`);
  }
  if (costBudget !== undefined && (!Number.isFinite(costBudget) || costBudget < 0)) {
    throw new TypeError(`${what}: costBudget must be a number of USD of at least 0, got ${String(costBudget)}.`);
  }
  return {
    timeoutMs: timeout === undefined ? undefined : toMillis(timeout, `${what} timeout`),
    retries: retries ?? 0,
    retryDelayMs: retryDelay === undefined ? DEFAULT_RETRY_DELAY_MS : toMillis(retryDelay, `${what} retryDelay`),
    costBudget,
  };
};
