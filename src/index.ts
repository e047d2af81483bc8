/**
 * stepgraph: typed pipelines for AI agents, run by Effect.
 *
 * @packageDocumentation
 */
export { pipeline } from "./builder/pipeline.js";
export type { ConfigureOptions, Pipeline, PipelineOptions, StepOptions } from "./builder/pipeline.js";
export type { StandardSchemaV1 } from "./builder/input-schema.js";
export type { DuplicateStepId, Entry, ResultOutputs, StepIds, StepOutput, StopPayload } from "./builder/types.js";
export type { DurationInput, StepConfig } from "./runtime/config.js";
export type { StepContext } from "./runtime/context.js";
export type { RunSettings } from "./runtime/definition.js";
export {
  CheckpointMismatchError,
  PipelineCancelledError,
  PipelineDefinitionError,
  PipelineInputError,
  PipelineTimeoutError,
  StepExecutionError,
  StepTimeoutError,
} from "./runtime/errors.js";
export type { PipelineError } from "./runtime/errors.js";
export type {
  PipelineEvent,
  StepFailureEvent,
  StepRetryEvent,
  StepSkipEvent,
  StepStartEvent,
  StepStopEvent,
  StepSuccessEvent,
} from "./runtime/events.js";
export type { RunOptions } from "./runtime/options.js";
export type {
  Checkpoint,
  PartialResult,
  PipelineResult,
  RunReport,
  RunResult,
  RunTiming,
  StepTiming,
  StoppedResult,
} from "./runtime/result.js";
export type { StopRequest } from "./runtime/stop.js";
export type { RunUsage, Usage } from "./runtime/usage.js";
export type { Graph, GraphEdge, GraphNode, NodeConfig, NodeKind } from "./graph/graph.js";
export { renderMermaid, escapeMermaidLabel } from "./graph/mermaid.js";
export type { MermaidOptions } from "./graph/mermaid.js";
