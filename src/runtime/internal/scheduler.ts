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
import { runWithPolicy, type StepRun } from "./policy.js";
import type { CompiledStep } from "./plan.js";
import type { RunState } from "./state.js";
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
    const state = scope.state;
    const roots = state.readySteps();
    if (roots.length === 0 && state.finished) return Effect.void;
    const run = new Scheduler(scope, options);
    return run.drive(roots, true).pipe(
      Effect.flatMap(() => Deferred.await(run.finished)),
      Effect.ensuring(Effect.suspend(() => run.interruptRunning())),
    );
  });

/**
 * One run's scheduling. A class rather than closures, so a run allocates one
 * object (and a step that must be awaited one {@link Settle}), whatever the
 * number of steps.
 */
class Scheduler {
  readonly finished = Deferred.makeUnsafe<void>();
  /** Every forked fiber; finished ones are skipped when the run ends. */
  private readonly fibers: Array<Fiber.Fiber<void>> = [];
  private readonly semaphore: Semaphore.Semaphore | undefined;
  private readonly state: RunState;

  constructor(
    private readonly scope: RunScope,
    private readonly options: ScheduleOptions,
  ) {
    this.state = scope.state;
    this.semaphore = options.maxConcurrency === undefined ? undefined : Semaphore.makeUnsafe(options.maxConcurrency);
  }

  /**
   * Starts `ready` and every step it readies that can settle at once. The
   * run's own fiber (`waiter`) forks a fiber for every step left running;
   * any other fiber awaits the last of them itself.
   */
  drive(ready: ReadonlyArray<number>, waiter: boolean): Effect.Effect<void> {
    const { state } = this;
    const steps = state.steps;
    const queue = Array.from(ready);
    const running: Array<Effect.Effect<ReadonlyArray<number>>> = [];
    let next = 0;
    while (next < queue.length && state.abort === undefined) {
      if (next === STEPS_BEFORE_YIELD) {
        const rest = queue.slice(next);
        return Effect.flatMap(this.forkAll(running), () => Effect.flatMap(Effect.yieldNow, () => this.drive(rest, waiter)));
      }
      const started = this.start(steps[queue[next++]!]!);
      if (Array.isArray(started)) {
        for (let index = 0; index < started.length; index++) queue.push(started[index]!);
      } else running.push(started as Effect.Effect<ReadonlyArray<number>>);
    }
    this.settle();
    if (running.length === 0) return Effect.void;
    if (waiter) return this.forkAll(running);
    const last = running.pop()!;
    if (running.length === 0) return this.awaitThenDrive(last);
    return Effect.flatMap(this.forkAll(running), () => this.awaitThenDrive(last));
  }

  /** Interrupts every forked fiber still running. */
  interruptRunning(): Effect.Effect<void> {
    return Fiber.interruptAll(this.fibers.filter((fiber) => fiber.pollUnsafe() === undefined));
  }

  succeeded(step: CompiledStep, value: unknown, start: number, attempts: number): ReadonlyArray<number> {
    if (!isStopRequest(value)) return this.state.succeed(step, value, start, attempts);
    this.state.stop(step, value.payload, start, attempts);
    return NONE;
  }

  failed(step: CompiledStep, error: unknown, start: number, attempts: number): ReadonlyArray<number> {
    this.state.fail(step, error, attempts, start);
    if (this.options.failFast) this.state.abort ??= { kind: "failFast" };
    return NONE;
  }

  private settle(): void {
    if (this.state.finished) Deferred.doneUnsafe(this.finished, Effect.void);
  }

  private start(step: CompiledStep): Started {
    const { scope, state, semaphore } = this;
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
      const started = startAttempt(scope, step, 1, begin);
      if (!Effect.isEffect(started)) return this.succeeded(step, started, begin, 1);
      if (Exit.isExit(started)) {
        return Exit.isSuccess(started)
          ? this.succeeded(step, started.value, begin, 1)
          : this.failed(step, Cause.squash(started.cause), begin, 1);
      }
      return Effect.matchCause(started as Effect.Effect<unknown, unknown>, new Settle(this, step, begin, undefined));
    }
    const run = runWithPolicy(scope, step, this.options.deadline);
    return Effect.matchCause(semaphore === undefined ? run.effect : semaphore.withPermit(run.effect), new Settle(this, step, begin, run));
  }

  private awaitThenDrive(running: Effect.Effect<ReadonlyArray<number>>): Effect.Effect<void> {
    return Effect.flatMap(running, (ready) => this.drive(ready, false));
  }

  private forkAll(running: ReadonlyArray<Effect.Effect<ReadonlyArray<number>>>): Effect.Effect<void> {
    return running.length === 1 ? this.fork(running[0]!) : Effect.forEach(running, (effect) => this.fork(effect), { discard: true });
  }

  /**
   * Forks a fiber to await a step that has already started. The fiber starts
   * at once, not on the scheduler's next tick, so the step's interruption
   * handler is in place before anything can interrupt it (a fiber
   * interrupted before it ever ran would leave the step's signal un-aborted).
   * If the step settles while the fiber is still being forked, the fiber
   * yields before driving on, so nested forks cannot grow the stack.
   */
  private fork(running: Effect.Effect<ReadonlyArray<number>>): Effect.Effect<void> {
    return Effect.suspend(() => {
      let forking = true;
      const awaiting = Effect.flatMap(running, (ready) =>
        forking ? Effect.flatMap(Effect.yieldNow, () => this.drive(ready, false)) : this.drive(ready, false),
      );
      return Effect.map(Effect.forkDetach(awaiting, { startImmediately: true }), (fiber) => {
        forking = false;
        this.fibers.push(fiber);
      });
    });
  }
}

/** Records how an awaited step ended; the handlers `Effect.matchCause` calls. */
class Settle {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly step: CompiledStep,
    private readonly begin: number,
    /** The policy run, for its attempt count; undefined for a single attempt. */
    private readonly run: StepRun | undefined,
  ) {}

  onSuccess(value: unknown): ReadonlyArray<number> {
    return this.scheduler.succeeded(this.step, value, this.begin, this.run?.attempts() ?? 1);
  }

  onFailure(cause: Cause.Cause<unknown>): ReadonlyArray<number> {
    return this.scheduler.failed(this.step, Cause.squash(cause), this.begin, this.run?.attempts() ?? 1);
  }
}
