/**
 * Step configuration and how its layers resolve: the most specific layer wins.
 */
import { givenValue, toMillis, type DurationInput } from "../graph/duration.js";

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
    throw new TypeError(`${what} must be a whole number of at least ${least}, got ${givenValue(value)}.`);
  }
  return value;
};

/** `value` when it is a finite number of at least 0 (or undefined); otherwise throws a TypeError naming `what`. */
export const nonNegative = <Value extends number | undefined>(value: Value, what: string, unit = ""): Value => {
  if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
    throw new TypeError(`${what} must be a finite number${unit} of at least 0, got ${givenValue(value)}.`);
  }
  return value;
};

/** A USD amount (a cost budget): a finite number of at least 0. */
export const usdAmount = <Value extends number | undefined>(value: Value, what: string): Value => nonNegative(value, what, " of USD");

/**
 * Checks every value of one layer of step config (`timeout`, `retries`,
 * `retryDelay`, `costBudget`), so that a bad value is refused where it is
 * written, not where it is first used. Throws a TypeError naming the option
 * and the value; callers report it as a {@link PipelineDefinitionError}.
 */
export const checkStepConfig = (layer: StepConfig | undefined, what: string): void => {
  if (layer === undefined || layer === null) return;
  if (typeof layer !== "object") throw new TypeError(`${what}: options must be an object, got ${givenValue(layer)}.`);
  if (layer.timeout !== undefined) toMillis(layer.timeout, `${what} timeout`);
  wholeNumber(layer.retries, 0, `${what}: retries`);
  if (layer.retryDelay !== undefined) toMillis(layer.retryDelay, `${what} retryDelay`);
  usdAmount(layer.costBudget, `${what}: costBudget`);
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
  usdAmount(costBudget, `${what}: costBudget`);
  return {
    timeoutMs: timeout === undefined ? undefined : toMillis(timeout, `${what} timeout`),
    retries: retries ?? 0,
    retryDelayMs: retryDelay === undefined ? DEFAULT_RETRY_DELAY_MS : toMillis(retryDelay, `${what} retryDelay`),
    costBudget,
  };
};

/** Checks the values of run settings a pipeline or `configure` records (`maxConcurrency`, `failFast`, `costBudget`); throws a TypeError naming the bad one. */
export const checkSettings = (settings: { readonly maxConcurrency?: unknown; readonly failFast?: unknown; readonly costBudget?: unknown }, what: string): void => {
  wholeNumber(settings.maxConcurrency as number | undefined, 1, `${what}: maxConcurrency`);
  if (settings.failFast !== undefined && typeof settings.failFast !== "boolean") {
    throw new TypeError(`${what}: failFast must be true or false, got ${givenValue(settings.failFast)}.`);
  }
  usdAmount(settings.costBudget as number | undefined, `${what}: costBudget`);
};

/**
 * The problem with per-step config that names ids which are not steps of
 * the pipeline, in the words `configure` and `run` both use; `undefined`
 * when every id is a step.
 */
export const unknownStepsProblem = (
  where: string,
  steps: Readonly<Record<string, unknown>> | undefined,
  known: ReadonlyArray<string>,
): string | undefined => {
  if (steps === undefined) return undefined;
  const ids = new Set(known);
  const unknown = Object.keys(steps).filter((id) => !ids.has(id));
  if (unknown.length === 0) return undefined;
  return `${where} names ${unknown.map((id) => `"${id}"`).join(", ")}, which ${unknown.length === 1 ? "is not a step" : "are not steps"} of this pipeline.`;
};
