/**
 * The journal seam: what a durable run's journal must do for the runtime.
 * The runtime knows nothing of how outcomes are stored; `stepgraph/durable`
 * implements this over Effect's workflow engine, and hands it to the run
 * through the store in the `durable` run option (see runtime/options.ts for
 * the store's side, runtime/durable-run.ts for how a run gets its journal).
 *
 * Every step of a journalled run goes through {@link StepJournal.step}: it
 * returns the step's journalled outcome when there is one (the step does not
 * run again), else runs the step's attempts and journals how they ended.
 */
import type * as Effect from "effect/Effect";
import type { RunUsage, Usage } from "./usage.js";

/** What the journal is told about one step, and how it reports a replay back to the run. */
export interface JournalStep {
  /** The step's id in its run. */
  readonly stepId: string;
  /** How many attempts have started in this process (for a step that ran). */
  attempts(): number;
  /** The step's usage so far in this process, by model, to journal with its outcome. */
  usage(): Readonly<Record<string, Usage>>;
  /**
   * Called when the step's outcome came from the journal: its attempts and
   * usage are recorded in the run (and charged to its budgets) as they were
   * when the step ran, and whether that run of it was possibly a duplicate.
   */
  replayed(attempts: number, usageByModel: Readonly<Record<string, Usage>>, possiblyDuplicated: boolean): void;
  /** Called when the step runs again after a crash cut an earlier run of it short: it may have had effects twice. */
  possiblyDuplicated(): void;
}

/** A journal of one durable run's step outcomes. */
export interface StepJournal {
  /** The run's id, stable across crashes and processes. */
  readonly runId: string;
  /** Usage spent by earlier generations of this run (before a failure it was resumed from), charged before any step starts. */
  readonly carried: RunUsage | undefined;
  /**
   * Runs `attempts` (the step's attempts under its policy; succeeds with its
   * output or stop request, fails with what it failed with) unless the
   * journal already has its outcome, which it then returns in the same shape.
   */
  step(step: JournalStep, attempts: Effect.Effect<unknown, unknown>): Effect.Effect<unknown, unknown>;
  /** A key stable for this run, step and attempt, to pass to providers and APIs that deduplicate requests. */
  idempotencyKey(stepId: string, attempt: number): string;
  /**
   * The journal of a run nested in one of this run's steps (a sub-pipeline,
   * a router's route): its steps are journalled under `scope` (the step's id
   * and attempt), so a crash inside it does not re-run its finished steps.
   */
  nested(scope: string): StepJournal;
}
