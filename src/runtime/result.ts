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

/** What a run had done when it ended without completing: outputs of completed steps, usage, timing and trace. */
export interface PartialResult {
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly usage: RunUsage;
  readonly timing: RunTiming;
  readonly trace: ReadonlyArray<PipelineEvent>;
}

/**
 * A completed run: the last declared step's `output`, every step's output by
 * id, and how the run went.
 */
export interface PipelineResult<Outputs, Output> {
  readonly status: "completed";
  readonly output: Output;
  readonly outputs: Outputs;
  readonly usage: RunUsage;
  readonly timing: RunTiming;
  readonly trace: ReadonlyArray<PipelineEvent>;
}
