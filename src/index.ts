/**
 * stepgraph: typed pipelines for AI agents, run by Effect.
 *
 * @packageDocumentation
 */
export { pipeline } from "./builder/pipeline.js";
export type { ConfigureOptions, Pipeline, PipelineOptions, StepOptions } from "./builder/pipeline.js";
export type { StandardSchemaV1 } from "./schema/standard-schema.js";
export type { DuplicateStepId, Entry, OutputIndex, ResultOutputs, StepIds, StepOutput, StopPayload } from "./builder/types.js";
export type { DurationInput } from "./graph/duration.js";
export type { CallDefaults, ResolvedCallConfig, ResolvedStepConfig, StepConfig } from "./runtime/config.js";
export type { StepContext } from "./agents/context.js";
export type { StepContextBase } from "./runtime/context.js";
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
export { renderMarkdown, escapeMarkdown } from "./graph/markdown.js";
export type { MarkdownOptions } from "./graph/markdown.js";
export type { MermaidOptions } from "./graph/mermaid.js";
export { BudgetScope } from "./runtime/budget.js";
export { RateLimiter } from "./runtime/rate-limit.js";
export type { RateLimiterOptions } from "./runtime/rate-limit.js";
export type { BudgetScopeOptions } from "./runtime/budget.js";
export { CostBudgetExceededError } from "./runtime/errors.js";
export { StepgraphError } from "./runtime/stepgraph-error.js";
export { CallSkippedError } from "./runtime/hooks.js";
export type { CallHookContext, CallHooks, CallHooksOption, CallOutcome, CallRequest } from "./runtime/hooks.js";
export type { BudgetScopeKind } from "./runtime/errors.js";
export type { CallHookEvent, ModelCallEvent } from "./runtime/events.js";
export { agent } from "./agents/agent.js";
export type {
  Agent,
  AgentCaller,
  AgentConfig,
  AgentInput,
  AgentOutput,
  AgentCallEvent,
  AgentResponse,
  AgentRunArgs,
  AgentRunOptions,
  CallOptions,
  AgentStream,
  ToolCallRecord,
} from "./agents/types.js";
export { tool } from "./agents/tool.js";
export type { ProvidesServices, ToolServices } from "./agents/services.js";
export type { AnyTool, Tool, ToolContext, ToolFunction, ToolSet, ToolWithServices } from "./agents/tool.js";
export { defaultPrices } from "./agents/pricing.js";
export type { ModelPrice, PriceTable } from "./runtime/prices.js";
export {
  AgentConfigError,
  AgentMaxTurnsError,
  AgentOutputError,
  AgentRequestError,
  UnknownModelPriceError,
} from "./agents/errors.js";
export { router } from "./flow/router.js";
export type { Router, RouterOptions } from "./flow/router.js";
export { RouteError } from "./flow/errors.js";
export type { RouteFallback } from "./flow/errors.js";
export type {
  AsStepArgs,
  ProvideOptions,
  RequiringPromise,
  RouteContext,
  RouteMap,
  RouteName,
  RouterError,
  RouterInput,
  RouterParsed,
  RoutesInput,
  RoutesOutput,
  RoutesRequirements,
  RoutesResult,
  RoutesServices,
  RoutesStop,
  SubStepContext,
  SubStepReturn,
} from "./flow/types.js";
export type {
  BatchInputs,
  BatchKeep,
  BatchOptions,
  BatchOutcome,
  BatchProgress,
  KeptResult,
  OutputOnly,
  RunManyOptions,
} from "./flow/batch.js";
