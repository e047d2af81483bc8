/**
 * The builder's runtime value: an immutable record of steps and settings.
 * Every method returns a new builder; the types live in ../pipeline.ts.
 */
import type { Effect } from "effect";
import { edgesOf, findStepProblem, type Graph, type GraphNode, type NodeConfig } from "../../graph/graph.js";
import { factsOf } from "../../graph/facts.js";
import { renderMermaid } from "../../graph/mermaid.js";
import { toMillis, type StepConfig } from "../../runtime/config.js";
import type { PipelineDefinition, RuntimeStepContext, StepDefinition } from "../../runtime/definition.js";
import { PipelineDefinitionError, type PipelineError } from "../../runtime/errors.js";
import type { RunOptions } from "../../runtime/options.js";
import type { Checkpoint } from "../../runtime/result.js";
import { runPipeline, runPipelineToPromise, type UntypedResult } from "../../runtime/run.js";
import type { BatchInputs, BatchOptions, BatchOutcome, RunManyOptions } from "../../flow/batch.js";
import { runBatch, streamBatch } from "../../flow/internal/batch.js";
import { runFlow, type Inherited, type InternalFlow } from "../../flow/internal/flow.js";
import { subFlowStep } from "../../flow/internal/sub-step.js";
import type { StandardSchemaV1 } from "../input-schema.js";

type StepFunction = (context: RuntimeStepContext) => unknown;

interface RawStepOptions extends StepConfig {
  readonly after?: ReadonlyArray<string>;
  readonly when?: (context: RuntimeStepContext) => boolean;
}

export { stepFacts, type StepFacts } from "../../graph/facts.js";

const durationMs = (value: StepConfig["timeout"], what: string): number | undefined =>
  value === undefined ? undefined : toMillis(value, what);

/**
 * A node's config as the graph shows it: the step's own options with
 * `configure({ steps })` overrides applied (defaults are not shown).
 */
const definedOnly = (config: StepConfig | undefined): StepConfig =>
  Object.fromEntries(Object.entries(config ?? {}).filter(([, value]) => value !== undefined));

const nodeConfig = (step: StepDefinition, overrides: PipelineDefinition["overrides"]): NodeConfig => {
  const merged: StepConfig = Object.assign({}, step.config, ...overrides.map((layer) => definedOnly(layer[step.id])));
  const config: { -readonly [K in keyof NodeConfig]: NodeConfig[K] } = {};
  const what = `step "${step.id}"`;
  const timeoutMs = durationMs(merged.timeout, `${what} timeout`);
  const retryDelayMs = durationMs(merged.retryDelay, `${what} retryDelay`);
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  if (merged.retries !== undefined) config.retries = merged.retries;
  if (retryDelayMs !== undefined) config.retryDelayMs = retryDelayMs;
  if (merged.costBudget !== undefined) config.costBudget = merged.costBudget;
  if (step.model !== undefined) config.model = step.model;
  if (step.when !== undefined) config.conditional = true;
  return config;
};

/** The untyped builder behind `pipeline()`. */
/**
 * The ids of a builder's steps, kept so that adding a step checks only that
 * step instead of the whole list (which made building a long pipeline
 * quadratic). A set belongs to one steps array at a time: the next `.step()`
 * takes it over, adding its id, and a second `.step()` on the same builder
 * (a branch) builds a fresh one.
 */
const stepIds = new WeakMap<ReadonlyArray<StepDefinition>, Set<string>>();

/** Takes the id set of `steps` over for the next builder, or builds one if another builder already took it. */
const takeStepIds = (steps: ReadonlyArray<StepDefinition>): Set<string> => {
  const ids = stepIds.get(steps);
  if (ids === undefined) return new Set(steps.map((step) => step.id));
  stepIds.delete(steps);
  return ids;
};

export class PipelineBuilder implements InternalFlow {
  private constructor(readonly definition: PipelineDefinition) {}

  /** A builder with no steps. */
  static create(name: string, options: { readonly input?: StandardSchemaV1 | undefined; readonly defaults?: StepConfig | undefined; readonly maxConcurrency?: number | undefined; readonly failFast?: boolean | undefined; readonly costBudget?: number | undefined }): PipelineBuilder {
    if (typeof name !== "string" || name.length === 0) {
      throw new PipelineDefinitionError({ pipeline: String(name), problem: "a pipeline needs a non-empty name." });
    }
    const { input, defaults, ...settings } = options;
    return new PipelineBuilder({
      name,
      input,
      steps: [],
      settings,
      defaults: defaults === undefined ? [] : [defaults],
      overrides: [],
    });
  }

  get name(): string {
    return this.definition.name;
  }

  step(id: string, optionsOrRun: RawStepOptions | StepFunction, maybeRun?: StepFunction): PipelineBuilder {
    const options: RawStepOptions = typeof optionsOrRun === "function" ? {} : optionsOrRun;
    const run = typeof optionsOrRun === "function" ? optionsOrRun : maybeRun;
    if (typeof run !== "function") {
      throw new PipelineDefinitionError({
        pipeline: this.name,
        problem: `step "${String(id)}" has no function. Call .step(id, fn) or .step(id, options, fn).`,
      });
    }
    const { after = [], when, ...config } = options;
    const facts = factsOf(run);
    const step: StepDefinition = {
      id,
      after: [...after],
      kind: facts?.kind ?? "step",
      config,
      when,
      run,
      model: facts?.model,
      pipeline: facts?.pipeline,
      routes: facts?.routes,
    };
    const ids = takeStepIds(this.definition.steps);
    const problem = findStepProblem(ids, step);
    if (problem !== undefined) {
      stepIds.set(this.definition.steps, ids);
      throw new PipelineDefinitionError({ pipeline: this.name, problem });
    }
    const steps = [...this.definition.steps, step];
    stepIds.set(steps, ids.add(id));
    return new PipelineBuilder({ ...this.definition, steps });
  }

  withServices(): PipelineBuilder {
    return this;
  }

  configure(config: {
    readonly defaults?: StepConfig | undefined;
    readonly steps?: Readonly<Record<string, StepConfig | undefined>> | undefined;
    readonly maxConcurrency?: number | undefined;
    readonly failFast?: boolean | undefined;
    readonly costBudget?: number | undefined;
  }): PipelineBuilder {
    const { defaults, steps, ...settings } = config;
    if (steps !== undefined) {
      const known = new Set(this.definition.steps.map((step) => step.id));
      const unknown = Object.keys(steps).filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new PipelineDefinitionError({
          pipeline: this.name,
          problem: `configure() names ${unknown.map((id) => `"${id}"`).join(", ")}, which ${unknown.length === 1 ? "is not a step" : "are not steps"} of this pipeline.`,
        });
      }
    }
    return new PipelineBuilder({
      ...this.definition,
      settings: { ...this.definition.settings, ...settings },
      defaults: defaults === undefined ? this.definition.defaults : [...this.definition.defaults, defaults],
      overrides: steps === undefined ? this.definition.overrides : [...this.definition.overrides, steps],
    });
  }

  toEffect(input: unknown, options?: RunOptions): Effect.Effect<UntypedResult, PipelineError> {
    return runPipeline(this.definition, input, options);
  }

  run(input: unknown, options?: RunOptions): Promise<UntypedResult> {
    return runPipelineToPromise(this.definition, input, options);
  }

  /** Runs one input per element of `inputs`, `concurrency` at a time; outcomes in input order. */
  runMany(inputs: BatchInputs<unknown>, options?: RunManyOptions): Promise<Array<BatchOutcome<unknown, unknown>>> {
    return runBatch(inputs, options, (input, runOptions) => this.run(input, runOptions));
  }

  /** Like `runMany`, but yields each outcome as its run finishes. */
  stream(inputs: BatchInputs<unknown>, options?: BatchOptions): AsyncIterableIterator<BatchOutcome<UntypedResult, unknown>> {
    return streamBatch(inputs, options, (input, runOptions) => this.run(input, runOptions));
  }

  /** A step function that runs this whole pipeline on the input `toInput` builds from the step's context. */
  asStep(toInput?: (ctx: RuntimeStepContext) => unknown): (ctx: RuntimeStepContext) => Promise<unknown> {
    return subFlowStep(this, { kind: "pipeline", pipeline: this.name }, toInput);
  }

  /** Runs as part of another flow: the pipeline's own client and prices win over the inherited ones, and run options over both. */
  [runFlow](input: unknown, options: RunOptions, inherited: Inherited): Effect.Effect<UntypedResult, PipelineError> {
    if (inherited.client === undefined && inherited.pricing === undefined) return runPipeline(this.definition, input, options);
    const settings = this.definition.settings;
    return runPipeline(this.definition, input, {
      ...options,
      client: options.client ?? settings.client ?? (inherited.client as RunOptions["client"]),
      pricing: inherited.pricing === undefined ? options.pricing : { ...inherited.pricing, ...settings.pricing, ...options.pricing },
    });
  }

  ownsCheckpoint(checkpoint: Checkpoint): boolean {
    return checkpoint.pipeline === this.name;
  }

  graph(): Graph {
    const nodes: GraphNode[] = this.definition.steps.map((step) => {
      const node: { -readonly [K in keyof GraphNode]: GraphNode[K] } = {
        id: step.id,
        kind: step.kind,
        after: [...step.after],
        config: nodeConfig(step, this.definition.overrides),
      };
      if (step.pipeline !== undefined) node.pipeline = step.pipeline;
      if (step.routes !== undefined) node.routes = [...step.routes];
      return node;
    });
    return { name: this.name, nodes, edges: edgesOf(nodes) };
  }

  toMermaid(): string {
    return renderMermaid(this.graph());
  }
}
