/**
 * The runtime shape of a pipeline as the builder records it. This is the
 * small interface between the builder and the runtime.
 */
import type OpenAI from "openai";
import type { PriceTable } from "./prices.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import type { NodeKind } from "../graph/graph.js";
import type { StepConfig } from "./config.js";
import type { CallHooksOption } from "./hooks.js";
import type { Telemetry } from "./telemetry.js";

/** The context a step function receives at run time, before the builder's types narrow it. */
export interface RuntimeStepContext {
  readonly input: unknown;
  dep(id: string): unknown;
  depOrUndefined(id: string): unknown;
  readonly services: unknown;
  readonly signal: AbortSignal;
  readonly stepId: string;
  readonly attempt: number;
  stop(payload: unknown): unknown;
}

/** One recorded step. */
export interface StepDefinition {
  readonly id: string;
  readonly after: ReadonlyArray<string>;
  readonly kind: NodeKind;
  readonly config: StepConfig;
  readonly when: ((context: RuntimeStepContext) => boolean) | undefined;
  readonly run: (context: RuntimeStepContext) => unknown;
  /** Static facts for the graph: an agent's model, a sub-pipeline's name, a router's routes. */
  readonly model?: string | undefined;
  readonly pipeline?: string | undefined;
  readonly routes?: ReadonlyArray<string> | undefined;
}

/** Run-wide settings that a pipeline, `configure` or `run` can set. */
export interface RunSettings {
  /** Upper bound on steps running at once. */
  readonly maxConcurrency?: number | undefined;
  /** Interrupt running steps as soon as one step fails, instead of letting unrelated steps finish. */
  readonly failFast?: boolean | undefined;
  /** A cost budget in USD for the whole run: model calls reserve against it, and crossing it interrupts the run. */
  readonly costBudget?: number | undefined;
  /** The OpenAI client agents use unless they set their own. */
  readonly client?: OpenAI | undefined;
  /** Model prices (USD per million tokens) that override or extend the built-in table. */
  readonly pricing?: PriceTable | undefined;
  /**
   * Where the run's spans go: `otlp({ url })` from `stepgraph/telemetry`.
   * Nothing is traced without it; a run nested in a traced run is traced in
   * its parent's trace.
   */
  readonly telemetry?: Telemetry | undefined;
  /**
   * Hooks run before and after every model request of the run's steps (see
   * `CallHooks`). Every level applies, outermost first: a parent run's (a
   * sub-pipeline's or route's requests are its parent's too), the run
   * option's, the pipeline's (`configure`'s replace `pipeline(name, …)`'s),
   * then the agent's own.
   */
  readonly hooks?: CallHooksOption | undefined;
}

/** Everything the builder recorded about a pipeline. */
export interface PipelineDefinition {
  readonly name: string;
  readonly input: StandardSchemaV1 | undefined;
  readonly steps: ReadonlyArray<StepDefinition>;
  readonly settings: RunSettings;
  /** Step defaults from `pipeline(name, { defaults })` and `configure({ defaults })`, least specific first. */
  readonly defaults: ReadonlyArray<StepConfig>;
  /** Per-step overrides from `configure({ steps })`, in call order. */
  readonly overrides: ReadonlyArray<Readonly<Record<string, StepConfig | undefined>>>;
}
