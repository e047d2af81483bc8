/**
 * Runs one attempt of one step: build its context, call its function, and
 * turn whatever it returned (value, Promise or Effect) into an Effect. This is
 * the seam a durable-run journal will wrap.
 */
import { Effect, Exit } from "effect";
import { AttemptContext, type RunScope } from "./context.js";
import type { CompiledStep } from "./plan.js";

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/**
 * Subscribes to the promise at once, not when a fiber first runs the Effect:
 * the scheduler may start a step before the fiber that awaits it runs, and a
 * run that ends in between must not leave a rejection unhandled.
 */
const fromPromise = (promise: PromiseLike<unknown>): Effect.Effect<unknown, unknown> => {
  let outcome: Exit.Exit<unknown, unknown> | undefined;
  let resume: ((exit: Exit.Exit<unknown, unknown>) => void) | undefined;
  const settle = (exit: Exit.Exit<unknown, unknown>) => {
    if (resume === undefined) outcome = exit;
    else resume(exit);
  };
  promise.then(
    (value) => settle(Exit.succeed(value)),
    (error: unknown) => settle(Exit.fail(error)),
  );
  return Effect.callback<unknown, unknown>((callback) => {
    if (outcome !== undefined) callback(outcome);
    else resume = callback;
  });
};

/** Interrupting the attempt aborts the step's signal, so fetch and SDK calls stop too. */
const abortOnInterrupt = (effect: Effect.Effect<unknown, unknown>, context: AttemptContext) =>
  Effect.onInterrupt(effect, () => Effect.sync(() => context.abort(new Error(`Step "${context.stepId}" was interrupted`))));

/**
 * Starts one attempt of `step`: emits its start event (at `at`, run-relative
 * milliseconds, which the caller may already have read) and calls its function.
 * Returns the step's output when the function returned a plain value, and
 * otherwise an Effect that finishes the attempt (awaits the Promise or runs
 * the returned Effect, or fails with what the function threw). A plain value
 * is never an Effect, so the two cannot be confused; the scheduler uses the
 * first case to settle synchronous steps without running an Effect at all.
 */
export const startAttempt = (scope: RunScope, step: CompiledStep, attempt: number, at: number = scope.state.now()): unknown => {
  scope.state.emit({ type: "start", stepId: step.id, attempt, at });
  const context = new AttemptContext(scope, step, attempt);
  let returned: unknown;
  try {
    returned = step.definition.run(context);
  } catch (error) {
    return Effect.fail(error);
  }
  if (Effect.isEffect(returned)) return abortOnInterrupt(returned as Effect.Effect<unknown, unknown>, context);
  if (isPromiseLike(returned)) return abortOnInterrupt(fromPromise(returned), context);
  return returned;
};

/** One attempt of `step` as an Effect. Emits its start event; fails with whatever the step threw or failed with. */
export const runAttempt = (scope: RunScope, step: CompiledStep, attempt: number): Effect.Effect<unknown, unknown> =>
  Effect.suspend(() => {
    const started = startAttempt(scope, step, attempt);
    return Effect.isEffect(started) ? (started as Effect.Effect<unknown, unknown>) : Effect.succeed(started);
  });
