/**
 * What the static analyser knows about a program: the pipeline, router and
 * agent values it could evaluate, and what it could not (as warnings).
 */
import type { NodeKind } from "../../src/graph/graph.js";

/** A 1-based place in a source file; `file` is absolute. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Something the analyser could not resolve statically, or a file it could not read. */
export interface Diagnostic {
  readonly severity: "warning" | "error";
  readonly location: SourceLocation | undefined;
  readonly message: string;
}

/** The config fields of a node, in milliseconds, as far as they are known. */
export interface StaticConfig {
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly costBudget?: number;
}

/** One `.step(...)` as the analyser read it. */
export interface StaticStep {
  readonly id: string;
  readonly after: ReadonlyArray<string>;
  readonly kind: NodeKind;
  readonly config: StaticConfig;
  readonly conditional: boolean;
  readonly model?: string;
  /** The sub-pipeline or router this step runs, when it could be evaluated. */
  readonly target?: PipelineValue | RouterValue;
  readonly location: SourceLocation;
}

/** A `pipeline(...)` chain, after every `.step` and `.configure` up to some expression. */
export interface PipelineValue {
  readonly kind: "pipeline";
  readonly name: string;
  readonly steps: ReadonlyArray<StaticStep>;
  /** False when a step id, `after` list or the chain itself could not be resolved; such a pipeline is not documented. */
  readonly complete: boolean;
}

/** One route of a router. */
export interface StaticRoute {
  readonly name: string;
  readonly target?: PipelineValue | RouterValue;
}

/** A `router(name, { routes, ... })` call. */
export interface RouterValue {
  readonly kind: "router";
  readonly name: string;
  readonly routes: ReadonlyArray<StaticRoute>;
  /** The routing step's own `config`. */
  readonly config: StaticConfig;
  readonly complete: boolean;
}

/** An `agent({ model, ... })` call. */
export interface AgentValue {
  readonly kind: "agent";
  /** The model without an `openai:` provider prefix, when known. */
  readonly model?: string;
}

/** Anything the chain evaluator can produce. */
export type BuilderValue = PipelineValue | RouterValue | AgentValue;

/** The pipeline another one is built from: `base` in `const full = base.step(...)`. */
export interface StaticExtension {
  /** The name the source refers to it by. */
  readonly binding: string;
  readonly value: PipelineValue;
}

/** A pipeline or router to document: a value and where it is declared. */
export interface StaticDocument {
  readonly value: PipelineValue | RouterValue;
  /**
   * The variable it is assigned to (`"default"` for a default export,
   * `"module.exports"` for a CommonJS one), if any.
   */
  readonly binding: string | undefined;
  readonly location: SourceLocation;
  /** Whether the file exports it. */
  readonly exported: boolean;
  /** The pipeline it extends with `.step`, `.configure` or `.withServices`, when that is another variable. */
  readonly extends?: StaticExtension;
}
