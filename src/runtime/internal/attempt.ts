/**
 * Runs one attempt of one step: build its context, call its function, and
 * turn whatever it returned (value, Promise or Effect) into an Effect. This is
 * the seam a durable-run journal will wrap.
 */
import { Effect } from "effect";
import { AttemptContext, type RunScope } from "./context.js";
import type { CompiledStep } from "./plan.js";

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

const fromPromise = (promise: PromiseLike<unknown>): Effect.Effect<unknown, unknown> =>
  Effect.callback<unknown, unknown>((resume) => {
    promise.then(
      (value) => resume(Effect.succeed(value)),
      (error: unknown) => resume(Effect.fail(error)),
    );
  });

/** Interrupting the attempt aborts the step's signal, so fetch and SDK calls stop too. */
const abortOnInterrupt = (effect: Effect.Effect<unknown, unknown>, context: AttemptContext) =>
  Effect.onInterrupt(effect, () => Effect.sync(() => context.abort(new Error(`Step "${context.stepId}" was interrupted`))));

/** One attempt of `step`. Emits its start event; fails with whatever the step threw or failed with. */
export const runAttempt = (scope: RunScope, step: CompiledStep, attempt: number): Effect.Effect<unknown, unknown> =>
  Effect.suspend(() => {
    scope.state.emit({ type: "start", stepId: step.id, attempt, at: scope.state.now() });
    const context = new AttemptContext(scope, step, attempt);
    let returned: unknown;
    try {
      returned = step.definition.run(context);
    } catch (error) {
      return Effect.fail(error);
    }
    if (Effect.isEffect(returned)) return abortOnInterrupt(returned as Effect.Effect<unknown, unknown>, context);
    if (isPromiseLike(returned)) return abortOnInterrupt(fromPromise(returned), context);
    return Effect.succeed(returned);
  });
