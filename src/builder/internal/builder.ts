/**
 * The builder's runtime value: an immutable record of steps and settings.
 * Every method returns a new builder; the types live in ../pipeline.ts. It
 * only records: running is its Flow's (runtime/run.ts), and the methods
 * users call on it are the facade's (flow/runnable.ts).
 */
import { toMillis } from "../../graph/duration.js";
import { factsOf } from "../../graph/facts.js";
import { edgesOf, findStepProblem, type Graph, type GraphNode } from "../../graph/graph.js";
import { nodeConfigOf } from "../../graph/node-config.js";
import { Runnable } from "../../flow/runnable.js";
import { checkSettings, checkStepConfig, unknownStepsProblem, type StepConfig } from "../../runtime/config.js";
import type { PipelineDefinition, RunSettings, RuntimeStepContext, StepDefinition } from "../../runtime/definition.js";
import { PipelineDefinitionError } from "../../runtime/errors.js";
import type { Flow } from "../../runtime/flow.js";
import { pipelineFlow } from "../../runtime/run.js";
import type { StandardSchemaV1 } from "../../schema/standard-schema.js";

type StepFunction = (context: RuntimeStepContext) => unknown;

interface RawStepOptions extends StepConfig {
  readonly after?: ReadonlyArray<string>;
  readonly when?: (context: RuntimeStepContext) => boolean;
}

/** What `pipeline(name, options)` records. */
interface RawPipelineOptions extends RunSettings {
  readonly input?: StandardSchemaV1 | undefined;
  readonly defaults?: StepConfig | undefined;
}

/** What `configure` records. */
interface RawConfigureOptions extends RunSettings {
  readonly defaults?: StepConfig | undefined;
  readonly steps?: Readonly<Record<string, StepConfig | undefined>> | undefined;
}

/** Runs `check`, reporting the TypeError it throws for a bad option value as the pipeline's definition error. */
const checked = (pipeline: string, check: () => void): void => {
  try {
    check();
  } catch (error) {
    throw new PipelineDefinitionError({ pipeline, problem: error instanceof Error ? error.message : String(error) });
  }
};

/** Checks a `configure` or `pipeline` layer of defaults and per-step config, and its settings. */
const checkLayers = (
  pipeline: string,
  what: string,
  settings: RunSettings,
  defaults: StepConfig | undefined,
  steps: Readonly<Record<string, StepConfig | undefined>> | undefined,
): void =>
  checked(pipeline, () => {
    checkSettings(settings, what);
    checkStepConfig(defaults, `${what} defaults`);
    for (const [id, config] of Object.entries(steps ?? {})) checkStepConfig(config, `step "${id}"`);
  });

const durationMs = (value: StepConfig["timeout"], what: string): number | undefined =>
  value === undefined ? undefined : toMillis(value, what);

const definedOnly = (config: StepConfig | undefined): StepConfig =>
  Object.fromEntries(Object.entries(config ?? {}).filter(([, value]) => value !== undefined));

/**
 * A step as the graph shows it: its own options with `configure({ steps })`
 * overrides applied (defaults are not shown).
 */
const graphNodeOf = (step: StepDefinition, overrides: PipelineDefinition["overrides"]): GraphNode => {
  const merged: StepConfig = Object.assign({}, step.config, ...overrides.map((layer) => definedOnly(layer[step.id])));
  const what = `step "${step.id}"`;
  const config = nodeConfigOf({
    timeoutMs: durationMs(merged.timeout, `${what} timeout`),
    retries: merged.retries,
    retryDelayMs: durationMs(merged.retryDelay, `${what} retryDelay`),
    costBudget: merged.costBudget,
    model: step.model,
    conditional: step.when !== undefined,
  });
  const node: { -readonly [K in keyof GraphNode]: GraphNode[K] } = { id: step.id, kind: step.kind, after: [...step.after], config };
  if (step.pipeline !== undefined) node.pipeline = step.pipeline;
  if (step.routes !== undefined) node.routes = [...step.routes];
  return node;
};

/** The step graph of a definition: nodes in declaration order and their dependency edges. */
const graphOf = (definition: PipelineDefinition): Graph => {
  const nodes = definition.steps.map((step) => graphNodeOf(step, definition.overrides));
  return { name: definition.name, nodes, edges: edgesOf(nodes) };
};

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

/** The untyped builder behind `pipeline()`. */
export class PipelineBuilder extends Runnable {
  /** Made on first use: most builders are only a stage on the way to the last one. */
  private flow: Flow | undefined;

  private constructor(readonly definition: PipelineDefinition) {
    super();
  }

  /** A builder with no steps. */
  static create(name: string, options: RawPipelineOptions): PipelineBuilder {
    if (typeof name !== "string" || name.length === 0) {
      throw new PipelineDefinitionError({ pipeline: String(name), problem: "a pipeline needs a non-empty name." });
    }
    const { input, defaults, ...settings } = options;
    checkLayers(name, "pipeline options", settings, defaults, undefined);
    return new PipelineBuilder({
      name,
      input,
      steps: [],
      settings,
      defaults: defaults === undefined ? [] : [defaults],
      overrides: [],
    });
  }

  override get name(): string {
    return this.definition.name;
  }

  flowOf(): Flow {
    this.flow ??= pipelineFlow(this.definition, () => graphOf(this.definition));
    return this.flow;
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
    checked(this.name, () => checkStepConfig(config, `step "${String(id)}"`));
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

  configure(config: RawConfigureOptions): PipelineBuilder {
    const { defaults, steps, ...settings } = config;
    const problem = unknownStepsProblem("configure()", steps, this.definition.steps.map((step) => step.id));
    if (problem !== undefined) throw new PipelineDefinitionError({ pipeline: this.name, problem });
    checkLayers(this.name, "configure()", settings, defaults, steps);
    return new PipelineBuilder({
      ...this.definition,
      settings: { ...this.definition.settings, ...settings },
      defaults: defaults === undefined ? this.definition.defaults : [...this.definition.defaults, defaults],
      overrides: steps === undefined ? this.definition.overrides : [...this.definition.overrides, steps],
    });
  }
}
