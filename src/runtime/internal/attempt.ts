/**
 * Runs one attempt of one step: build its context, call its function, and
 * turn whatever it returned (value, Promise or Effect) into an Effect. This is
 * the seam a durable-run journal will wrap.
 */
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import { AttemptContext, type RunScope } from "./context.js";
import type { CompiledStep } from "./plan.js";

/** Whether a step returned something to await (a Promise or another thenable). */
export const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/**
 * Subscribes to the promise at once, not when a fiber first runs the Effect:
 * the scheduler may start a step before the fiber that awaits it runs, and a
 * run that ends in between must not leave a rejection unhandled.
 */
const fromPromise = (promise: PromiseLike<unknown>): Effect.Effect<unknown, unknown> => {
  let outcome: Exit.Exit<unknown, unknown> | undefined;
  let resume: ((exit: Exit.Exit<unknown, unknown>) => void) | undefined;
  promise.then(
    (value) => {
      if (resume === undefined) outcome = Exit.succeed(value);
      else resume(Exit.succeed(value));
    },
    (error: unknown) => {
      if (resume === undefined) outcome = Exit.fail(error);
      else resume(Exit.fail(error));
    },
  );
  return Effect.callback<unknown, unknown>((callback) => {
    if (outcome !== undefined) callback(outcome);
    else resume = callback;
  });
};

/** Aborts an interrupted attempt's signal (if the step asked for it), so fetch and SDK calls stop too. */
export const abortInterrupted = (context: AttemptContext): void =>
  context.abort(new Error(`Step "${context.stepId}" was interrupted`));

/** Interrupting the attempt aborts the step's signal. */
export const abortOnInterrupt = (effect: Effect.Effect<unknown, unknown>, context: AttemptContext) =>
  Effect.onInterrupt(effect, () => Effect.sync(() => abortInterrupted(context)));

/** What {@link callStep} returns when the step's function threw. Never exposed, so no step can return one. */
export class Thrown {
  constructor(readonly error: unknown) {}
}

/**
 * Emits the attempt's start event (at `at`, run-relative milliseconds, which
 * the caller may already have read) and calls the step's function once with
 * `context`. Returns what it returned (a plain value, a Promise or an Effect,
 * the caller's to await), or a {@link Thrown} with what it threw.
 */
export const callStep = (context: AttemptContext, at: number): unknown => {
  const { step } = context;
  context.scope.state.attemptStarted(step, context.attempt, at);
  try {
    return step.definition.run(context);
  } catch (error) {
    return new Thrown(error);
  }
};

/**
 * Starts one attempt of `step` (see {@link callStep}). Returns the step's
 * output when the function returned a plain value, and otherwise an Effect
 * that finishes the attempt (awaits the Promise or runs the returned Effect,
 * or fails with what the function threw). A plain value is never an Effect,
 * so the two cannot be confused.
 */
const startAttempt = (scope: RunScope, step: CompiledStep, attempt: number): unknown => {
  const context = new AttemptContext(scope, step, attempt);
  const returned = callStep(context, scope.state.now());
  if (returned instanceof Thrown) return Effect.fail(returned.error);
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
