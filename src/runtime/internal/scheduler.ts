/**
 * The scheduler: starts each step the moment its last dependency succeeds.
 *
 * A fiber drives a queue of ready steps. A step whose function returns a
 * plain value (or throws) settles on the spot and the dependents it readies
 * join the queue, so synchronous steps cost no fiber and no Effect. A step
 * that returns a Promise or an Effect, or that has a timeout, retries or a
 * concurrency permit to wait for, is awaited by a fiber: when a drive ends
 * with several such steps running, all but the last get a forked fiber and
 * the driving fiber awaits the last itself, then drives what it readies. A
 * chain therefore runs on one fiber; a fan-out forks one fiber per branch
 * still running. The fiber that runs `runSteps` only starts steps and waits,
 * so failFast, a run timeout or cancellation interrupts every running step.
 */
import { Cause, Deferred, Effect, Exit, Fiber, Semaphore } from "effect";
import { startAttempt } from "./attempt.js";
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
 * Synchronous steps run back to back; after this many a drive yields, so
 * timers, other fibers and interruption get their turn about as often as
 * Effect's own op budget would give it to them.
 */
const STEPS_BEFORE_YIELD = 256;

const NONE: ReadonlyArray<number> = [];

/** A started step: the dependents it readied if it settled at once, or the Effect that settles it and returns them. */
type Started = ReadonlyArray<number> | Effect.Effect<ReadonlyArray<number>>;

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
    /** Every forked fiber; finished ones are skipped when the run ends. */
    const fibers: Array<Fiber.Fiber<void>> = [];
    const semaphore = options.maxConcurrency === undefined ? undefined : Semaphore.makeUnsafe(options.maxConcurrency);

    const settle = () => {
      if (state.finished) Deferred.doneUnsafe(finished, Effect.void);
    };

    const succeeded = (step: CompiledStep, value: unknown, start: number, attempts: number): ReadonlyArray<number> => {
      if (!isStopRequest(value)) return state.succeed(step, value, start, attempts);
      state.stop(step, value.payload, start, attempts);
      return NONE;
    };

    const failed = (step: CompiledStep, error: unknown, start: number, attempts: number): ReadonlyArray<number> => {
      state.fail(step, error, attempts, start);
      if (options.failFast) state.abort ??= { kind: "failFast" };
      return NONE;
    };

    const start = (step: CompiledStep): Started => {
      state.begin(step);
      const when = step.definition.when;
      if (when !== undefined) {
        let holds: boolean;
        try {
          holds = when(new AttemptContext(scope, step, 0));
        } catch (error) {
          state.fail(step, error, 0, state.now());
          return NONE;
        }
        if (!holds) return state.skipByCondition(step);
      }
      const begin = state.now();
      if (semaphore === undefined && step.config.timeoutMs === undefined && step.config.retries === 0) {
        const started = startAttempt(scope, step, 1);
        if (!Effect.isEffect(started)) return succeeded(step, started, begin, 1);
        if (Exit.isExit(started)) {
          return Exit.isSuccess(started) ? succeeded(step, started.value, begin, 1) : failed(step, Cause.squash(started.cause), begin, 1);
        }
        return Effect.matchCause(started as Effect.Effect<unknown, unknown>, {
          onSuccess: (value) => succeeded(step, value, begin, 1),
          onFailure: (cause) => failed(step, Cause.squash(cause), begin, 1),
        });
      }
      const run = runWithPolicy(scope, step, options.deadline);
      return Effect.matchCause(semaphore === undefined ? run.effect : semaphore.withPermit(run.effect), {
        onSuccess: (value) => succeeded(step, value, begin, run.attempts()),
        onFailure: (cause) => failed(step, Cause.squash(cause), begin, run.attempts()),
      });
    };

    const awaitThenDrive = (running: Effect.Effect<ReadonlyArray<number>>): Effect.Effect<void> =>
      Effect.flatMap(running, (ready) => drive(ready, false));

    const fork = (running: Effect.Effect<ReadonlyArray<number>>) =>
      Effect.map(Effect.forkDetach(awaitThenDrive(running)), (fiber) => {
        fibers.push(fiber);
      });

    /**
     * Starts `ready` and every step it readies that can settle at once. The
     * run's own fiber (`waiter`) forks a fiber for every step left running;
     * any other fiber awaits the last of them itself.
     */
    const drive = (ready: ReadonlyArray<number>, waiter: boolean): Effect.Effect<void> => {
      const queue = Array.from(ready);
      const running: Array<Effect.Effect<ReadonlyArray<number>>> = [];
      let next = 0;
      while (next < queue.length && state.abort === undefined) {
        if (next === STEPS_BEFORE_YIELD) {
          const rest = queue.slice(next);
          return Effect.flatMap(Effect.flatMap(Effect.forEach(running, fork, { discard: true }), () => Effect.yieldNow), () => drive(rest, waiter));
        }
        const started = start(steps[queue[next++]!]!);
        if (Array.isArray(started)) {
          for (let index = 0; index < started.length; index++) queue.push(started[index]!);
        } else running.push(started as Effect.Effect<ReadonlyArray<number>>);
      }
      settle();
      if (running.length === 0) return Effect.void;
      if (waiter) return Effect.forEach(running, fork, { discard: true });
      const last = running.pop()!;
      if (running.length === 0) return awaitThenDrive(last);
      return Effect.flatMap(Effect.forEach(running, fork, { discard: true }), () => awaitThenDrive(last));
    };

    const roots = state.readySteps();
    if (roots.length === 0 && state.finished) return Effect.void;
    return drive(roots, true).pipe(
      Effect.flatMap(() => Deferred.await(finished)),
      Effect.ensuring(Effect.suspend(() => Fiber.interruptAll(fibers.filter((fiber) => fiber.pollUnsafe() === undefined)))),
    );
  });
