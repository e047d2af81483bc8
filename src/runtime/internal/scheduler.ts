/**
 * The scheduler: starts each step the moment its last dependency succeeds.
 *
 * A step's fiber is forked only when the step becomes ready, and when a step
 * finishes, the first dependent it readies continues on the same fiber while
 * the others are forked. A chain therefore runs on one fiber; a fan-out forks
 * one fiber per branch. Nothing waits on a Deferred per step.
 */
import { Cause, Deferred, Effect, Exit, Fiber, Semaphore } from "effect";
import { AttemptContext, type RunScope } from "./context.js";
import { runWithPolicy } from "./policy.js";
import type { CompiledStep } from "./plan.js";
import { isStopRequest } from "../stop.js";

/** How the scheduler runs a plan. */
export interface ScheduleOptions {
  readonly maxConcurrency: number | undefined;
  readonly failFast: boolean;
  /** The run's deadline in run-relative milliseconds, if it has one. */
  readonly deadline: number | undefined;
}

/**
 * Runs every step of the plan, recording outcomes in the run state. Never
 * fails: step failures are recorded, and the caller turns them into errors.
 * Interrupting it interrupts every running step.
 */
export const runSteps = (scope: RunScope, options: ScheduleOptions): Effect.Effect<void> =>
  Effect.suspend(() => {
    const { state } = scope;
    const steps = state.steps;
    const finished = Deferred.makeUnsafe<void>();
    const fibers = new Set<Fiber.Fiber<void>>();
    const semaphore = options.maxConcurrency === undefined ? undefined : Semaphore.makeUnsafe(options.maxConcurrency);

    const settle = () => {
      if (state.finished) Deferred.doneUnsafe(finished, Effect.void);
    };

    const fork = (index: number) =>
      Effect.map(Effect.forkDetach(chain(index)), (fiber) => {
        fibers.add(fiber);
        fiber.addObserver(() => fibers.delete(fiber));
      });

    const execute = (step: CompiledStep): Effect.Effect<ReadonlyArray<number>> => {
      state.begin(step);
      const when = step.definition.when;
      if (when !== undefined) {
        let holds: boolean;
        try {
          holds = when(new AttemptContext(scope, step, 0));
        } catch (error) {
          state.fail(step, error, 0, state.now());
          return Effect.succeed([]);
        }
        if (!holds) return Effect.succeed(state.skipByCondition(step));
      }
      const start = state.now();
      const run = runWithPolicy(scope, step, options.deadline);
      const guarded = semaphore === undefined ? run.effect : semaphore.withPermit(run.effect);
      return Effect.map(Effect.exit(guarded), (exit): ReadonlyArray<number> => {
        if (Exit.isSuccess(exit)) {
          if (!isStopRequest(exit.value)) return state.succeed(step, exit.value, start, run.attempts());
          state.stop(step, exit.value.payload, start, run.attempts());
          return [];
        }
        state.fail(step, Cause.squash(exit.cause), run.attempts(), start);
        if (options.failFast) state.abort ??= { kind: "failFast" };
        return [];
      });
    };

    const chain = (index: number): Effect.Effect<void> =>
      Effect.flatMap(execute(steps[index]!), (ready) => {
        if (state.abort !== undefined || ready.length === 0) {
          settle();
          return Effect.void;
        }
        if (ready.length === 1) return chain(ready[0]!);
        return Effect.flatMap(
          Effect.forEach(ready.slice(1), fork, { discard: true }),
          () => chain(ready[0]!),
        );
      });

    const roots = state.readySteps();
    if (roots.length === 0 && state.finished) return Effect.void;
    return Effect.forEach(roots, fork, { discard: true }).pipe(
      Effect.flatMap(() => Deferred.await(finished)),
      Effect.ensuring(Effect.suspend(() => Fiber.interruptAll([...fibers]))),
    );
  });
