/**
 * Step configuration and how its layers resolve: the most specific layer wins.
 */
import { givenValue, toMillis, type DurationInput } from "../graph/duration.js";
import { checkHooks } from "./hooks.js";

/**
 * Defaults for the model calls of a step (`ctx.run`, `ctx.stream`, `asStep`):
 * each field is what a call uses when its own options do not set it.
 *
 * @example
 * ```ts
 * pipeline("p", { defaults: { call: { timeout: "20 seconds", retries: 2 } } })
 *   .step("a", { call: { retries: 4 } }, async (ctx) => (await ctx.run(writer, "Hi")).text);
 * ```
 */
export interface CallDefaults {
  /** Time limit per attempt of each call (none by default). */
  readonly timeout?: DurationInput | undefined;
  /** Retries of each call on transient failures (0 by default: the step's own retries re-run the step). */
  readonly retries?: number | undefined;
  /** Base delay of each call's exponential, jittered back-off (100 ms by default); `Retry-After` is honoured. */
  readonly retryDelay?: DurationInput | undefined;
}

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
  /** Defaults for this step's model calls; a call's own options win, field by field. */
  readonly call?: CallDefaults | undefined;
}

/** {@link CallDefaults} with their layers merged, defaults filled in and durations in milliseconds. */
export interface ResolvedCallConfig {
  readonly timeoutMs: number | undefined;
  readonly retries: number;
  readonly retryDelayMs: number;
}

/**
 * A {@link StepConfig} with its layers merged and its durations in
 * milliseconds: what `ctx.config` shows a step (frozen).
 *
 * @example
 * ```ts
 * pipeline("p").step("a", { timeout: "5 seconds", call: { retries: 2 } }, (ctx) => {
 *   ctx.config.timeoutMs;    // 5000
 *   ctx.config.call.retries; // 2
 * });
 * ```
 */
export interface ResolvedStepConfig {
  readonly timeoutMs: number | undefined;
  readonly retries: number;
  readonly retryDelayMs: number;
  /** USD, when the step has a budget of its own. */
  readonly costBudget: number | undefined;
  /** The defaults of the step's model calls (a call's own options win). */
  readonly call: ResolvedCallConfig;
}

/** The base delay of retries, of steps and of model calls, unless one is set. */
export const DEFAULT_RETRY_DELAY_MS = 100;

/** The call defaults when no layer sets any: no timeout, no retries, the default back-off (a standalone `agent.run`'s). */
export const NO_CALL_DEFAULTS: ResolvedCallConfig = Object.freeze({ timeoutMs: undefined, retries: 0, retryDelayMs: DEFAULT_RETRY_DELAY_MS });

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
  checkCallDefaults(layer.call, what);
};

/** Checks a layer's `call` defaults, in the words of step options (`step "a": call.retries must be ...`). */
const checkCallDefaults = (call: CallDefaults | undefined, what: string): void => {
  if (call === undefined) return;
  if (typeof call !== "object" || call === null) throw new TypeError(`${what}: call must be an object, got ${givenValue(call)}.`);
  if (call.timeout !== undefined) toMillis(call.timeout, `${what} call.timeout`);
  wholeNumber(call.retries, 0, `${what}: call.retries`);
  if (call.retryDelay !== undefined) toMillis(call.retryDelay, `${what} call.retryDelay`);
};

/**
 * Merges configuration layers, least specific first: pipeline defaults,
 * `configure({ defaults })`, the step's own options, `configure({ steps })`,
 * run `defaults`, run `steps`. `call` defaults merge field by field in the
 * same order; a call's own options are laid over them by {@link callConfigOf}.
 */
export const resolveStepConfig = (
  layers: ReadonlyArray<StepConfig | undefined>,
  what: string,
): ResolvedStepConfig => {
  let timeout: DurationInput | undefined;
  let retries: number | undefined;
  let retryDelay: DurationInput | undefined;
  let costBudget: number | undefined;
  let callTimeout: DurationInput | undefined;
  let callRetries: number | undefined;
  let callRetryDelay: DurationInput | undefined;
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer.timeout !== undefined) timeout = layer.timeout;
    if (layer.retries !== undefined) retries = layer.retries;
    if (layer.retryDelay !== undefined) retryDelay = layer.retryDelay;
    if (layer.costBudget !== undefined) costBudget = layer.costBudget;
    const call = layer.call;
    if (call === undefined) continue;
    if (call.timeout !== undefined) callTimeout = call.timeout;
    if (call.retries !== undefined) callRetries = call.retries;
    if (call.retryDelay !== undefined) callRetryDelay = call.retryDelay;
  }
  wholeNumber(retries, 0, `${what}: retries`);
  usdAmount(costBudget, `${what}: costBudget`);
  wholeNumber(callRetries, 0, `${what}: call.retries`);
  // Frozen: it is shared by every run of a cached plan, and steps read it as `ctx.config`.
  return Object.freeze({
    timeoutMs: timeout === undefined ? undefined : toMillis(timeout, `${what} timeout`),
    retries: retries ?? 0,
    retryDelayMs: retryDelay === undefined ? DEFAULT_RETRY_DELAY_MS : toMillis(retryDelay, `${what} retryDelay`),
    costBudget,
    call: Object.freeze({
      timeoutMs: callTimeout === undefined ? undefined : toMillis(callTimeout, `${what} call.timeout`),
      retries: callRetries ?? 0,
      retryDelayMs: callRetryDelay === undefined ? DEFAULT_RETRY_DELAY_MS : toMillis(callRetryDelay, `${what} call.retryDelay`),
    }),
  });
};

/** A call's resolved policy: its own options over the step's call defaults, field by field. */
export const callConfigOf = (
  own: CallDefaults,
  defaults: ResolvedCallConfig,
  what: string,
): ResolvedCallConfig => ({
  timeoutMs: own.timeout === undefined ? defaults.timeoutMs : toMillis(own.timeout, `${what} timeout`),
  retries: own.retries ?? defaults.retries,
  retryDelayMs: own.retryDelay === undefined ? defaults.retryDelayMs : toMillis(own.retryDelay, `${what} retryDelay`),
});

/** Checks the values of run settings a pipeline or `configure` records (`maxConcurrency`, `failFast`, `costBudget`); throws a TypeError naming the bad one. */
export const checkSettings = (
  settings: { readonly maxConcurrency?: unknown; readonly failFast?: unknown; readonly costBudget?: unknown; readonly hooks?: unknown },
  what: string,
): void => {
  checkHooks(settings.hooks, what);
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
