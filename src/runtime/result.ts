/**
 * What a run produces.
 */
import type { PipelineEvent } from "./events.js";
import type { RunUsage } from "./usage.js";

/** When one step ran, in milliseconds since the run started. */
export interface StepTiming {
  readonly start: number;
  readonly end: number;
  readonly durationMs: number;
}

/** When the run and each of its steps ran. */
export interface RunTiming {
  /** Epoch milliseconds at which the run started. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly steps: Readonly<Record<string, StepTiming>>;
}

/**
 * The completed steps' outputs of a run, to pass as `resume` to a later run
 * of the same pipeline: those steps are not run (or paid for) again. It is
 * JSON-serialisable when the outputs are.
 */
export interface Checkpoint {
  /** The pipeline's name. */
  readonly pipeline: string;
  /** Every step id of the pipeline, in order: a resume against changed steps is rejected. */
  readonly steps: ReadonlyArray<string>;
  /** The outputs of the steps that completed. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** What a run had done when it ended without completing: outputs of completed steps, usage, timing and trace. */
export interface PartialResult {
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly usage: RunUsage;
  readonly timing: RunTiming;
  readonly trace: ReadonlyArray<PipelineEvent>;
  /** Resume from here with `run(input, { resume: partial.checkpoint })`. */
  readonly checkpoint: Checkpoint;
}

/** What a durable run's result says about its journal (see the `durable` run option). */
export interface DurableReport {
  readonly runId: string;
  /** Which generation of the run this was: 1, or more after a failed, cancelled or stopped run was resumed. */
  readonly generation: number;
  /** Steps whose outcome was taken from the journal (they did not run again, and cost nothing again). */
  readonly replayed: ReadonlyArray<string>;
  /** Steps a crash cut short that ran again: their effects (model calls, writes) may have happened twice. */
  readonly possiblyDuplicated: ReadonlyArray<string>;
  /** Whether the whole result is the stored result of a run that had already completed. */
  readonly fromJournal: boolean;
}

/** What every run reports, however it ended. */
export interface RunReport {
  readonly usage: RunUsage;
  readonly timing: RunTiming;
  readonly trace: ReadonlyArray<PipelineEvent>;
  readonly checkpoint: Checkpoint;
  /** Present on a durable run's result: what its journal did. */
  readonly durable?: DurableReport | undefined;
}

/**
 * A completed run: the last declared step's `output`, every step's output by
 * id, and how the run went.
 */
export interface PipelineResult<Outputs, Output> extends RunReport {
  readonly status: "completed";
  readonly stoppedEarly: false;
  readonly output: Output;
  readonly outputs: Outputs;
}

/** A run a step ended early with `ctx.stop(payload)`: the outputs so far, and the stop's step and payload. */
export interface StoppedResult<Outputs, Stop> extends RunReport {
  readonly status: "stopped";
  readonly stoppedEarly: true;
  readonly stop: { readonly stepId: string; readonly payload: Stop };
  readonly output: undefined;
  readonly outputs: Partial<Outputs>;
}

/** What `run` resolves with: a completed run, or also a stopped one when some step can stop. */
export type RunResult<Outputs, Output, Stop> = [Stop] extends [never]
  ? PipelineResult<Outputs, Output>
  : PipelineResult<Outputs, Output> | StoppedResult<Outputs, Stop>;

/** A run's result before the builder's types narrow it; a router's also names its route, and why it fell back to it if it did. */
export type UntypedResult = (
  | PipelineResult<Readonly<Record<string, unknown>>, unknown>
  | StoppedResult<Readonly<Record<string, unknown>>, unknown>
) & { readonly route?: string; readonly fallback?: unknown };
