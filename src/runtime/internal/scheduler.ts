/**
 * The scheduler: starts each step the moment its last dependency succeeds.
 *
 * Starting steps is plain code: a queue of ready steps, each started and,
 * when it settles on the spot (returns a plain value or throws), followed by
 * the dependents it readies. A step that returns a Promise is awaited by a
 * callback on that Promise, which settles it and starts what it readies; it
 * costs no fiber. A step that returns an Effect, or that has a timeout,
 * retries or a concurrency permit to wait for, gets a fiber of its own,
 * forked with the run's context, which settles it the same way. The fiber
 * that runs `runSteps` only starts the first steps and waits for the run to
 * finish, so failFast, a run timeout or cancellation ends it, and ending it
 * interrupts every fiber still running and aborts the signals of steps still
 * awaited: nothing a step does after that is recorded.
 */
import * as Cause from "effect/Cause";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Fiber from "effect/Fiber";
import * as Semaphore from "effect/Semaphore";
import { abortInterrupted, abortOnInterrupt, callStep, isPromiseLike, Thrown } from "./attempt.js";
import { AttemptContext, type RunScope } from "./context.js";
import { runWithPolicy, type StepRun } from "./policy.js";
import { NO_STEPS, type CompiledStep } from "./plan.js";
import type { RunState } from "./state.js";
import { factsOf } from "../../graph/facts.js";
import { reserve } from "../budget.js";
import type { JournalStep } from "../journal.js";
import { isStopRequest } from "../stop.js";
import type { Usage } from "../usage.js";

/** Whether a step's function only runs a nested pipeline or router (see flow/internal/sub-step.ts). */
const nestsARun = (step: CompiledStep): boolean => {
  const kind = factsOf(step.definition.run)?.kind;
  return kind === "pipeline" || kind === "router";
};

/** What a step that was never started (the run stopped while it waited for a permit) settles with. */
const NOT_STARTED: unique symbol = Symbol("stepgraph/notStarted");

/** How the scheduler runs a plan. */
export interface ScheduleOptions {
  readonly maxConcurrency: number | undefined;
  readonly failFast: boolean;
}

/**
 * Steps started back to back before the scheduler yields (in a fiber of its
 * own) and starts the rest, so timers, other fibers and interruption get
 * their turn about as often as Effect's own op budget would give it to them.
 */
const STEPS_BEFORE_YIELD = 256;

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
    return Effect.contextWith((context: Context.Context<never>) => {
      const run = new Scheduler(scope, options, context);
      return Effect.ensuring(run.run(roots), Effect.suspend(() => run.close() ?? Effect.void));
    });
  });

/**
 * Runs every step of the plan like {@link runSteps}, but from plain code
 * rather than from a fiber: for a run nothing can interrupt (no deadline,
 * signal or budget), whose own fiber would only wait. Effect steps are
 * forked with `context`. Calls `done` once the run has finished and every
 * fiber it forked has stopped.
 */
export const startSteps = (scope: RunScope, options: ScheduleOptions, context: Context.Context<never>, done: () => void): void => {
  const state = scope.state;
  const roots = state.readySteps();
  if (roots.length === 0 && state.finished) return done();
  const run = new Scheduler(scope, options, context);
  run.whenFinished(done);
  run.advance(roots);
};

/**
 * One run's scheduling. A class rather than closures, so a run allocates one
 * object whatever the number of steps; a step awaited through its Promise
 * adds two callbacks, and one awaited by a fiber a {@link Settle}.
 */
class Scheduler {
  /** Every forked fiber; finished ones are skipped when the run ends. */
  private readonly fibers: Array<Fiber.Fiber<unknown, unknown>> = [];
  /** The contexts of steps awaited through their Promise, by step index, to abort if the run ends first. */
  private readonly awaiting: Array<AttemptContext | undefined> = [];
  private readonly semaphore: Semaphore.Semaphore | undefined;
  private readonly state: RunState;
  /** The queue `advance` is working through, while it is; a step settling meanwhile joins it. */
  private queue: Array<number> | undefined;
  /** Resumes the run's fiber once it waits for the run to finish. */
  private resumeRun: ((effect: Effect.Effect<void>) => void) | undefined;
  /** Called (once) when the run has finished and its fibers have stopped, for a run without a fiber of its own. */
  private done: (() => void) | undefined;
  /** Set when the run has ended: nothing is recorded or started after it. */
  private closed = false;

  constructor(
    private readonly scope: RunScope,
    private readonly options: ScheduleOptions,
    private readonly context: Context.Context<never>,
  ) {
    this.state = scope.state;
    this.semaphore = options.maxConcurrency === undefined ? undefined : Semaphore.makeUnsafe(options.maxConcurrency);
  }

  /** Starts the roots, then waits until the run has finished. */
  run(roots: ReadonlyArray<number>): Effect.Effect<void> {
    this.advance(roots);
    if (this.state.finished) return Effect.void;
    return Effect.callback<void>((resume) => {
      if (this.state.finished) resume(Effect.void);
      else this.resumeRun = resume;
    });
  }

  /** Calls `done` once the run has finished and its forked fibers have stopped. */
  whenFinished(done: () => void): void {
    this.done = done;
  }

  /**
   * Ends the run: aborts the signals of steps still awaited, and returns the
   * Effect that interrupts every forked fiber still running, if there is one.
   */
  close(): Effect.Effect<void> | undefined {
    this.closed = true;
    this.resumeRun = undefined;
    const { awaiting } = this;
    for (let index = 0; index < awaiting.length; index++) {
      const context = awaiting[index];
      if (context === undefined) continue;
      awaiting[index] = undefined;
      abortInterrupted(context);
    }
    if (this.fibers.length === 0) return undefined;
    const running = this.fibers.filter((fiber) => fiber.pollUnsafe() === undefined);
    return running.length === 0 ? undefined : Fiber.interruptAll(running);
  }

  /**
   * Starts `ready` and every step it readies that settles at once; after
   * {@link STEPS_BEFORE_YIELD} of them, yields and goes on in a fiber. A step
   * that settles while this runs (an Effect step finishing as it is forked, a
   * thenable calling back at once) joins the queue instead of nesting.
   */
  advance(ready: ReadonlyArray<number>): void {
    if (this.closed) return;
    if (this.queue !== undefined) {
      for (let index = 0; index < ready.length; index++) this.queue.push(ready[index]!);
      return;
    }
    const { state } = this;
    if (ready.length === 0) {
      if (state.finished) this.finish();
      return;
    }
    const steps = state.steps;
    const queue = ready.slice();
    this.queue = queue;
    let next = 0;
    while (next < queue.length && state.abort === undefined && !this.closed) {
      if (next === STEPS_BEFORE_YIELD) {
        const rest = queue.slice(next);
        this.forkFiber(Effect.flatMap(Effect.yieldNow, () => Effect.sync(() => this.advance(rest))));
        break;
      }
      const started = this.start(steps[queue[next++]!]!);
      for (let index = 0; index < started.length; index++) queue.push(started[index]!);
    }
    this.queue = undefined;
    if (state.finished) this.finish();
  }

  /**
   * Records how a step ended, however it was awaited: its output (or stop
   * request) when `ok`, else what it failed with after `attempts`. Returns the
   * dependents it readied. With {@link Scheduler.launch}, this is the seam a
   * journal of step outcomes wraps.
   */
  private outcome(step: CompiledStep, begin: number, attempts: number, ok: boolean, value: unknown): ReadonlyArray<number> {
    const { state } = this;
    if (!ok) {
      state.fail(step, value, attempts, begin);
      if (this.options.failFast) state.abort ??= { kind: "failFast" };
      return NO_STEPS;
    }
    if (!isStopRequest(value)) return state.succeed(step, value, begin, attempts);
    state.stop(step, value.payload, begin, attempts);
    return NO_STEPS;
  }

  /** Records how a step awaited by a fiber or a Promise callback ended, and starts what it readies. */
  settled(step: CompiledStep, begin: number, attempts: number, ok: boolean, value: unknown): void {
    if (this.closed) return;
    if (value === NOT_STARTED) {
      this.state.notStarted(step);
      return this.advance(NO_STEPS);
    }
    this.advance(this.outcome(step, begin, attempts, ok, value));
  }

  private finish(): void {
    const resume = this.resumeRun;
    if (resume !== undefined) {
      this.resumeRun = undefined;
      resume(Effect.void);
      return;
    }
    const done = this.done;
    if (done === undefined) return;
    this.done = undefined;
    const closing = this.close();
    if (closing === undefined) done();
    else void Effect.runPromise(closing).then(done, done);
  }

  /** Starts a step unless its condition says to skip it; returns the dependents it readied if it settled at once. */
  private start(step: CompiledStep): ReadonlyArray<number> {
    const { state } = this;
    state.begin(step);
    const when = step.definition.when;
    if (when !== undefined) {
      let holds: boolean;
      try {
        holds = when(new AttemptContext(this.scope, step, 0));
      } catch (error) {
        state.fail(step, error, 0, state.now());
        return NO_STEPS;
      }
      if (!holds) return state.skipByCondition(step);
    }
    return this.launch(step, state.now());
  }

  /**
   * Runs a step's attempts, each with its own context: at once when it
   * settles on the spot (its outcome is recorded and the dependents it
   * readied returned), else awaited by a Promise callback or a fiber, which
   * record it when it settles. Every outcome goes through {@link Scheduler.outcome}.
   */
  private launch(step: CompiledStep, begin: number): ReadonlyArray<number> {
    const { scope, semaphore } = this;
    const journal = scope.journal;
    // A step that only nests a run (a sub-pipeline, a router) is journalled through the nested run's steps.
    if (journal !== undefined && !nestsARun(step)) {
      const run = runWithPolicy(scope, step);
      const entry = new JournalEntry(scope, step, run);
      const attempts = semaphore === undefined ? run.effect : semaphore.withPermit(run.effect);
      this.forkStep(step, begin, journal.step(entry, attempts), entry);
      return NO_STEPS;
    }
    if (semaphore !== undefined || step.config.timeoutMs !== undefined || step.config.retries !== 0) {
      const run = runWithPolicy(scope, step);
      // A step still waiting for its permit when another stops the run never starts: nothing new starts after a stop.
      const permitted =
        semaphore === undefined
          ? run.effect
          : semaphore.withPermit(Effect.suspend(() => (this.state.abort?.kind === "stop" ? Effect.succeed(NOT_STARTED) : run.effect)));
      this.forkStep(step, begin, permitted, run);
      return NO_STEPS;
    }
    const context = new AttemptContext(scope, step, 1);
    const returned = callStep(context, begin);
    if (returned instanceof Thrown) return this.outcome(step, begin, 1, false, returned.error);
    if (isPromiseLike(returned)) {
      this.awaitPromise(step, begin, returned, context);
      return NO_STEPS;
    }
    if (!Effect.isEffect(returned)) return this.outcome(step, begin, 1, true, returned);
    if (Exit.isExit(returned)) {
      return Exit.isSuccess(returned)
        ? this.outcome(step, begin, 1, true, returned.value)
        : this.outcome(step, begin, 1, false, Cause.squash(returned.cause));
    }
    this.forkStep(step, begin, abortOnInterrupt(returned as Effect.Effect<unknown, unknown>, context), undefined);
    return NO_STEPS;
  }

  private awaitPromise(step: CompiledStep, begin: number, promise: PromiseLike<unknown>, context: AttemptContext): void {
    this.awaiting[step.index] = context;
    promise.then(
      (value) => {
        this.awaiting[step.index] = undefined;
        this.settled(step, begin, 1, true, value);
      },
      (error: unknown) => {
        this.awaiting[step.index] = undefined;
        this.settled(step, begin, 1, false, error);
      },
    );
  }

  /**
   * Awaits a step's Effect in a fiber of its own. The fiber starts at once, so
   * the step's interruption handler is in place before anything can
   * interrupt it (a fiber interrupted before it ever ran would leave the
   * step's signal un-aborted).
   */
  private forkStep(step: CompiledStep, begin: number, effect: Effect.Effect<unknown, unknown>, run: StepRun | undefined): void {
    this.forkFiber(Effect.matchCause(effect, new Settle(this, step, begin, run)));
  }

  private forkFiber(effect: Effect.Effect<unknown, unknown>): void {
    this.fibers.push(Effect.runForkWith(this.context)(effect));
  }
}

/**
 * A journalled step, as its journal sees it: its attempts and usage in this
 * process, and how a replay of its outcome is recorded in the run. Also the
 * step's {@link StepRun}: a replayed step reports its journalled attempts.
 */
class JournalEntry implements JournalStep, StepRun {
  private replayedAttempts: number | undefined;

  constructor(
    private readonly scope: RunScope,
    private readonly step: CompiledStep,
    private readonly run: StepRun,
  ) {}

  get stepId(): string {
    return this.step.id;
  }

  get effect(): Effect.Effect<unknown, unknown> {
    return this.run.effect;
  }

  attempts(): number {
    return this.replayedAttempts ?? this.run.attempts();
  }

  usage(): Readonly<Record<string, Usage>> {
    return this.scope.state.record.ledger.stepByModel(this.step.id);
  }

  replayed(attempts: number, usageByModel: Readonly<Record<string, Usage>>, possiblyDuplicated: boolean): void {
    const { scope, step } = this;
    const { record } = scope.state;
    this.replayedAttempts = attempts;
    for (const [model, usage] of Object.entries(usageByModel)) {
      record.ledger.recordNested(step.id, { ...usage, byStep: {}, byModel: { [model]: usage } });
      const cost = usage.costNanoUsd;
      if (cost !== null && cost > 0 && scope.env.budgets.length > 0) reserve(scope.env.budgets, 0, step.id).settle(cost);
    }
    // The journalled attempt, as the trace tells it: it started, it came from the journal, it succeeded (or failed).
    const at = scope.state.now();
    scope.state.attemptStarted(step, attempts, at);
    record.emit({ type: "journal", stepId: step.id, at, replayed: true, possiblyDuplicated });
  }

  possiblyDuplicated(): void {
    const { scope, step } = this;
    scope.state.record.emit({ type: "journal", stepId: step.id, at: scope.state.now(), replayed: false, possiblyDuplicated: true });
  }
}

/** Records how a step awaited by a fiber ended; the handlers `Effect.matchCause` calls. */
class Settle {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly step: CompiledStep,
    private readonly begin: number,
    /** The policy run, for its attempt count; undefined for a single attempt. */
    private readonly run: StepRun | undefined,
  ) {}

  onSuccess(value: unknown): void {
    this.scheduler.settled(this.step, this.begin, this.run?.attempts() ?? 1, true, value);
  }

  onFailure(cause: Cause.Cause<unknown>): void {
    this.scheduler.settled(this.step, this.begin, this.run?.attempts() ?? 1, false, Cause.squash(cause));
  }
}
