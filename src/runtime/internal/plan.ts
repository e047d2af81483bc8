/**
 * Compiles a pipeline definition and run options into an index-based plan the
 * scheduler can walk without string lookups.
 */
import { resolveStepConfig, type ResolvedStepConfig, type StepConfig } from "../config.js";
import type { PipelineDefinition, StepDefinition } from "../definition.js";

/** A step ready to schedule: its position, its dependencies and dependents by index, and its resolved config. */
export interface CompiledStep {
  readonly index: number;
  readonly id: string;
  readonly definition: StepDefinition;
  readonly deps: ReadonlyArray<number>;
  readonly dependents: ReadonlyArray<number>;
  /** The plan index of each dependency, by id: `ctx.dep(id)` looks it up in constant time. */
  readonly depIndex: ReadonlyMap<string, number>;
  readonly config: ResolvedStepConfig;
}

/** No steps: what a step that readies none returns, shared. */
export const NO_STEPS: ReadonlyArray<number> = [];

/** The per-run config layers that sit above the pipeline's own. */
export interface RunConfigLayers {
  readonly defaults?: StepConfig | undefined;
  readonly steps?: Readonly<Record<string, StepConfig | undefined>> | undefined;
}

/**
 * Plans of runs without per-run step config, by definition. A definition is
 * immutable (every builder call makes a new one), so its plan can be reused
 * by every such run instead of being recompiled each time.
 */
const shared = new WeakMap<PipelineDefinition, ReadonlyArray<CompiledStep>>();

/** Builds the plan, or reuses the definition's when the run adds no step config. Assumes the definition was validated when it was built. */
export const compilePlan = (definition: PipelineDefinition, run: RunConfigLayers): ReadonlyArray<CompiledStep> => {
  if (run.defaults !== undefined || run.steps !== undefined) return compile(definition, run);
  let plan = shared.get(definition);
  if (plan === undefined) {
    plan = compile(definition, run);
    shared.set(definition, plan);
  }
  return plan;
};

const compile = (definition: PipelineDefinition, run: RunConfigLayers): ReadonlyArray<CompiledStep> => {
  const indexOf = new Map(definition.steps.map((step, index) => [step.id, index]));
  const dependents: number[][] = definition.steps.map(() => []);
  definition.steps.forEach((step, index) => {
    for (const dependency of step.after) dependents[indexOf.get(dependency)!]!.push(index);
  });
  return definition.steps.map((step, index) => ({
    index,
    id: step.id,
    definition: step,
    deps: step.after.map((dependency) => indexOf.get(dependency)!),
    dependents: dependents[index]!,
    depIndex: new Map(step.after.map((dependency) => [dependency, indexOf.get(dependency)!])),
    config: resolveStepConfig(
      [
        ...definition.defaults,
        step.config,
        ...definition.overrides.map((layer) => layer[step.id]),
        run.defaults,
        run.steps?.[step.id],
      ],
      // The run reports it as a definition error, which names the pipeline.
      `step "${step.id}"`,
    ),
  }));
};
