/**
 * What a run resolves before it starts: its environment (envOf), its plan,
 * and the checkpoint it resumes from; or the error that stops it first.
 */
import * as Exit from "effect/Exit";
import type { PipelineDefinition } from "../definition.js";
import { envOf, type ResolvedRun, type RunEnv } from "../env.js";
import { CheckpointMismatchError, PipelineDefinitionError, type PipelineError } from "../errors.js";
import type { RunOptions } from "../options.js";
import type { Checkpoint } from "../result.js";
import { unknownStepsProblem } from "../config.js";
import { compilePlan, type CompiledStep } from "./plan.js";

/** A run ready to start. */
export interface Prepared extends ResolvedRun {
  readonly plan: ReadonlyArray<CompiledStep>;
  readonly resumed: Readonly<Record<string, unknown>> | undefined;
}

/** Why a checkpoint cannot resume this pipeline, if it cannot. */
const checkResume = (definition: PipelineDefinition, checkpoint: Checkpoint): string | undefined => {
  if (typeof checkpoint !== "object" || checkpoint === null || !Array.isArray(checkpoint.steps)) {
    return "it is not a checkpoint (expected { pipeline, steps, outputs } from a result's `checkpoint`).";
  }
  if (checkpoint.pipeline !== definition.name) return `it was made by pipeline "${checkpoint.pipeline}".`;
  const ids = definition.steps.map((step) => step.id);
  if (ids.length !== checkpoint.steps.length || ids.some((id, index) => checkpoint.steps[index] !== id)) {
    return `its steps (${checkpoint.steps.join(", ")}) no longer match the pipeline's (${ids.join(", ")}).`;
  }
  const unknown = Object.keys(checkpoint.outputs ?? {}).filter((id) => !ids.includes(id));
  if (unknown.length > 0) return `it has outputs for unknown steps (${unknown.join(", ")}).`;
  return undefined;
};

/** Resolves a run of `definition` from its options and what it inherits, or the error that stops it before it starts. */
export const prepare = (
  definition: PipelineDefinition,
  options: RunOptions,
  inherited: RunEnv | undefined,
): Exit.Exit<Prepared, PipelineError> => {
  let resolved: ResolvedRun;
  let plan: ReadonlyArray<CompiledStep>;
  try {
    // From untyped code, the words configure uses. Not for a nested run: a router passes its run's `steps` to whichever route it chose.
    if (options.steps !== undefined && inherited?.parent === undefined) {
      const unknown = unknownStepsProblem("the run's `steps` option", options.steps, definition.steps.map((step) => step.id));
      if (unknown !== undefined) throw new TypeError(unknown);
    }
    resolved = envOf(options, definition.settings, inherited);
    plan = compilePlan(definition, options);
  } catch (error) {
    return Exit.fail(new PipelineDefinitionError({ pipeline: definition.name, problem: error instanceof Error ? error.message : String(error) }));
  }
  const resume = options.resume;
  if (resume !== undefined) {
    const problem = checkResume(definition, resume);
    if (problem !== undefined) return Exit.fail(new CheckpointMismatchError({ pipeline: definition.name, problem }));
  }
  return Exit.succeed({ ...resolved, plan, resumed: resume?.outputs });
};
