/**
 * The bookkeeping of one run of a plan: each step's status, output and
 * timing, the first failure, and why the run must end early. The scheduler
 * writes to it; every change it records is also an event, emitted through
 * the run's {@link RunRecord}.
 */
import { NO_STEPS } from "./plan.js";
import type { CompiledStep } from "./plan.js";
import type { Checkpoint, PartialResult, RunTiming, StepTiming } from "../result.js";
import type { RunRecord } from "../record.js";

/** How far a step got. */
export const StepStatus = { Pending: 0, Running: 1, Succeeded: 2, Failed: 3, Skipped: 4, Stopped: 5 } as const;

/** The first step failure of a run. */
export interface StepFailure {
  readonly stepId: string;
  readonly cause: unknown;
  readonly attempts: number;
}

/** Why the run must end before every step has settled. */
export type RunAbort = { readonly kind: "failFast" } | { readonly kind: "stop"; readonly stepId: string; readonly payload: unknown };

/** Records of more keys than this are built as hash tables (see {@link recordOf}). */
const LARGE_RECORD = 32;

/**
 * A fresh object to hold `size` keys (outputs or timings by step id). V8
 * grows a plain object's fast properties a few slots at a time, copying them
 * on each growth, and every record with the same keys shares one chain of
 * hidden classes: for a pipeline of many steps, building a record cost more
 * than running its steps. An object one of whose properties was deleted is a
 * hash table (dictionary mode), which grows in amortised constant time. Small
 * records stay plain.
 */
const recordOf = <Value>(size: number): Record<string, Value> => {
  if (size <= LARGE_RECORD) return {};
  const record: Record<string, Value | undefined> = { first: undefined, second: undefined };
  delete record.first;
  delete record.second;
  return record as Record<string, Value>;
};

/** Whether an error ends the whole run at once (budget errors do). */
const endsRun = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { endsRun?: unknown }).endsRun === true;

/** What every run of a plan starts from: each step's status (pending) and count of dependencies, and the step ids in order. */
interface PlanTemplate {
  readonly remaining: ReadonlyArray<number>;
  readonly pending: ReadonlyArray<number>;
  readonly ids: ReadonlyArray<string>;
}

/** Templates by plan, so a run copies its starting arrays instead of building them. */
const templates = new WeakMap<ReadonlyArray<CompiledStep>, PlanTemplate>();

const templateOf = (steps: ReadonlyArray<CompiledStep>): PlanTemplate => {
  let template = templates.get(steps);
  if (template === undefined) {
    template = {
      remaining: steps.map((step) => step.deps.length),
      pending: steps.map(() => StepStatus.Pending),
      ids: steps.map((step) => step.id),
    };
    templates.set(steps, template);
  }
  return template;
};

/** One run's bookkeeping. */
export class RunState {
  /** Each succeeded step's output, by index. */
  private readonly values: Array<unknown>;
  /** Indexes of the succeeded steps, in the order they succeeded: the order of `outputs`' keys. */
  private readonly succeeded: Array<number> = [];
  /** Each settled step's timing, by index, and the order they were recorded in. */
  private readonly timings: Array<StepTiming | undefined>;
  private readonly timed: Array<number> = [];
  /** Each step's {@link StepStatus}, by index. */
  readonly status: Array<number>;
  /** Each step's count of dependencies not yet settled, by index. */
  readonly remaining: Array<number>;
  private readonly ids: ReadonlyArray<string>;
  settled = 0;
  /** Steps started and not yet settled. */
  running = 0;
  failure: StepFailure | undefined;
  abort: RunAbort | undefined;

  constructor(
    readonly steps: ReadonlyArray<CompiledStep>,
    /** Where the run's events and usage go: its own record, or the one of the router it decides for. */
    readonly record: RunRecord,
    resumed?: Readonly<Record<string, unknown>>,
  ) {
    const template = templateOf(steps);
    this.ids = template.ids;
    this.status = template.pending.slice();
    this.remaining = template.remaining.slice();
    this.values = new Array(steps.length);
    this.timings = new Array(steps.length);
    if (resumed !== undefined) {
      for (const step of steps) {
        if (!Object.hasOwn(resumed, step.id)) continue;
        this.values[step.index] = resumed[step.id];
        this.succeeded.push(step.index);
        this.status[step.index] = StepStatus.Succeeded;
        this.settled++;
        for (const dependent of step.dependents) this.remaining[dependent]!--;
      }
    }
  }

  /** Steps that can start now: pending, with every dependency settled. */
  readySteps(): Array<number> {
    const ready: number[] = [];
    for (const step of this.steps) {
      if (this.status[step.index] === StepStatus.Pending && this.remaining[step.index] === 0) ready.push(step.index);
    }
    return ready;
  }

  begin(step: CompiledStep): void {
    this.status[step.index] = StepStatus.Running;
    this.running++;
  }

  /** Milliseconds since the run started. */
  now(): number {
    return this.record.now();
  }

  /** Records that an attempt of a step started, at `at` (run-relative milliseconds, which the caller may already have read). */
  attemptStarted(step: CompiledStep, attempt: number, at: number): void {
    this.record.emit({ type: "start", stepId: step.id, attempt, at });
  }

  /** Records that an attempt failed and the next one starts after `delayMs`. */
  retrying(step: CompiledStep, attempt: number, delayMs: number, error: unknown): void {
    this.record.emit({ type: "retry", stepId: step.id, attempt, delayMs, error, at: this.now() });
  }

  /** Records a step's output and returns the dependents that became ready. */
  succeed(step: CompiledStep, output: unknown, start: number, attempt: number): ReadonlyArray<number> {
    this.values[step.index] = output;
    this.succeeded.push(step.index);
    const end = this.finish(step, StepStatus.Succeeded, start);
    this.record.emit({ type: "success", stepId: step.id, attempt, at: end, durationMs: end - start });
    return this.release(step);
  }

  /** Marks a step skipped because its condition was false; its dependents may still run. */
  skipByCondition(step: CompiledStep): ReadonlyArray<number> {
    this.status[step.index] = StepStatus.Skipped;
    this.settled++;
    this.running--;
    this.record.emit({ type: "skip", stepId: step.id, reason: "condition-false", at: this.now() });
    return this.release(step);
  }

  /** Records a step's failure and skips everything downstream of it. */
  fail(step: CompiledStep, cause: unknown, attempts: number, start: number): void {
    const end = this.finish(step, StepStatus.Failed, start);
    this.failure ??= { stepId: step.id, cause, attempts };
    if (endsRun(cause)) this.abort ??= { kind: "failFast" };
    this.record.emit({ type: "failure", stepId: step.id, attempts, error: cause, at: end });
    this.skipDownstream(step);
  }

  /** Records that a step ended the run early; running steps finish, nothing new starts. */
  stop(step: CompiledStep, payload: unknown, start: number, attempt: number): void {
    const end = this.finish(step, StepStatus.Stopped, start);
    this.abort ??= { kind: "stop", stepId: step.id, payload };
    this.record.emit({ type: "stop", stepId: step.id, attempt, payload, at: end });
  }

  /** Records that a running step ended with `status`, with its timing; returns when it ended. */
  private finish(step: CompiledStep, status: (typeof StepStatus)[keyof typeof StepStatus], start: number): number {
    const end = this.now();
    this.status[step.index] = status;
    this.time(step, start, end);
    this.settled++;
    this.running--;
    return end;
  }

  /** Takes back {@link begin} for a step that never started (it waited for a permit while another stopped the run). */
  notStarted(step: CompiledStep): void {
    this.status[step.index] = StepStatus.Pending;
    this.running--;
  }

  /** Marks every step that never started as skipped because the run stopped. */
  skipRemaining(): void {
    for (const step of this.steps) {
      if (this.status[step.index] !== StepStatus.Pending) continue;
      this.status[step.index] = StepStatus.Skipped;
      this.settled++;
      this.record.emit({ type: "skip", stepId: step.id, reason: "run-stopped", at: this.now() });
    }
  }

  /** Whether the scheduler should start no more steps and report back once running ones settle (or at once for failFast). */
  get finished(): boolean {
    if (this.abort === undefined) return this.allSettled;
    return this.abort.kind === "failFast" || this.running === 0;
  }

  private time(step: CompiledStep, start: number, end: number): void {
    this.timings[step.index] = { start, end, durationMs: end - start };
    this.timed.push(step.index);
  }

  private release(step: CompiledStep): ReadonlyArray<number> {
    let ready: number[] | undefined;
    const dependents = step.dependents;
    for (let index = 0; index < dependents.length; index++) {
      const dependent = dependents[index]!;
      if (--this.remaining[dependent]! === 0 && this.status[dependent] === StepStatus.Pending) (ready ??= []).push(dependent);
    }
    return ready ?? NO_STEPS;
  }

  private skipDownstream(step: CompiledStep): void {
    const stack = [...step.dependents];
    while (stack.length > 0) {
      const index = stack.pop()!;
      if (this.status[index] !== StepStatus.Pending) continue;
      this.status[index] = StepStatus.Skipped;
      this.settled++;
      const skipped = this.steps[index]!;
      this.record.emit({ type: "skip", stepId: skipped.id, reason: "dependency-failed", at: this.now() });
      stack.push(...skipped.dependents);
    }
  }

  /** Whether every step has succeeded, failed or been skipped. */
  get allSettled(): boolean {
    return this.settled === this.steps.length;
  }

  /** The output of the step at `index`; undefined unless it succeeded. */
  output(index: number): unknown {
    return this.values[index];
  }

  /**
   * The succeeded steps' outputs by id, in the order they succeeded: a new
   * object each call. Records are built once at the end rather than kept
   * during the run, because copying a record of many keys costs far more
   * than building it.
   */
  outputs(): Record<string, unknown> {
    const { succeeded, values, ids } = this;
    const outputs = recordOf<unknown>(succeeded.length);
    for (let index = 0; index < succeeded.length; index++) outputs[ids[succeeded[index]!]!] = values[succeeded[index]!];
    return outputs;
  }

  timing(): RunTiming {
    const { timed, timings, ids } = this;
    const steps = recordOf<StepTiming>(timed.length);
    for (let index = 0; index < timed.length; index++) steps[ids[timed[index]!]!] = timings[timed[index]!]!;
    return { startedAt: this.record.startedAt, durationMs: this.now(), steps };
  }

  /** The completed steps' outputs, to resume from. */
  checkpoint(pipeline: string): Checkpoint {
    return { pipeline, steps: this.ids.slice(), outputs: this.outputs() };
  }

  /** What the run has done so far. */
  partial(pipeline: string): PartialResult {
    this.record.closeOpen();
    return {
      outputs: this.outputs(),
      usage: this.record.ledger.snapshot(),
      timing: this.timing(),
      trace: [...this.record.trace],
      checkpoint: this.checkpoint(pipeline),
    };
  }
}
