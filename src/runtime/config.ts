/**
 * Step configuration and how its layers resolve: the most specific layer wins.
 */
import { toMillis, type DurationInput } from "../graph/duration.js";

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

/** The base delay of retries, of steps and of model calls, unless one is set. */
export const DEFAULT_RETRY_DELAY_MS = 100;

/** `value` when it is a whole number of at least `least` (or undefined); otherwise throws a TypeError naming `what`. */
export const wholeNumber = <Value extends number | undefined>(value: Value, least: number, what: string): Value => {
  if (value !== undefined && (!Number.isInteger(value) || value < least)) {
    throw new TypeError(`${what} must be a whole number of at least ${least}, got ${String(value)}.`);
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
  wholeNumber(retries, 0, `${what}: retries`);
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
