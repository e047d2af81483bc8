/**
 * The attribute names stepgraph's spans carry. GenAI names follow the
 * OpenTelemetry GenAI semantic conventions as published in
 * open-telemetry/semantic-conventions-genai (status: development): the
 * provider is `gen_ai.provider.name` (not the deprecated `gen_ai.system`),
 * cached input tokens are `gen_ai.usage.cache_read.input_tokens`, tokens
 * written to the cache `gen_ai.usage.cache_creation.input_tokens`, reasoning
 * tokens `gen_ai.usage.reasoning.output_tokens`, content is
 * `gen_ai.input.messages` / `gen_ai.output.messages` (opt-in). Everything
 * stepgraph adds is under `stepgraph.`.
 */

export const GenAI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  workflowName: "gen_ai.workflow.name",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestStream: "gen_ai.request.stream",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageCacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  toolName: "gen_ai.tool.name",
  toolType: "gen_ai.tool.type",
  toolCallId: "gen_ai.tool.call.id",
  toolCallArguments: "gen_ai.tool.call.arguments",
  toolCallResult: "gen_ai.tool.call.result",
} as const;

/** `error.type`, from the general semantic conventions (stable). */
export const ERROR_TYPE = "error.type";

export const Stepgraph = {
  pipeline: "stepgraph.pipeline.name",
  runId: "stepgraph.run.id",
  runKind: "stepgraph.run.kind",
  runStatus: "stepgraph.run.status",
  stepId: "stepgraph.step.id",
  stepAttempt: "stepgraph.step.attempt",
  stepOutcome: "stepgraph.step.outcome",
  stepSkipReason: "stepgraph.step.skip_reason",
  stepRetryDelayMs: "stepgraph.step.retry_delay_ms",
  /** Reserved for durable runs: a step taken from the journal. */
  stepReplayed: "stepgraph.step.replayed",
  /** Reserved for durable runs: an attempt that may have run before a crash too. */
  stepPossiblyDuplicated: "stepgraph.step.possibly_duplicated",
  /** A call's dispatch hooks (`beforeCall` or `afterCall`) around one model request. */
  hookName: "stepgraph.hook.name",
  /** A `beforeCall` hook skipped the request (threw `CallSkippedError`): nothing was sent. */
  hookSkipped: "stepgraph.hook.skipped",
  costNanoUsd: "stepgraph.cost.nano_usd",
  costUnknown: "stepgraph.cost.unknown",
  /** A request abandoned before its billed usage arrived (timed out, cancelled): its cost is unknown and counts 0 in the totals, as in the run's usage. */
  requestAbandoned: "stepgraph.request.abandoned",
  /** What an abandoned request stays charged at in its budgets: its reservation. */
  abandonedReservedNanoUsd: "stepgraph.cost.abandoned_reserved_nano_usd",
  inputTokens: "stepgraph.usage.input_tokens",
  cachedInputTokens: "stepgraph.usage.cached_input_tokens",
  outputTokens: "stepgraph.usage.output_tokens",
  /** The conventions name no audio token counts: a chat span's audio input and output tokens (parts of its input and output tokens). */
  inputAudioTokens: "stepgraph.usage.input_audio_tokens",
  outputAudioTokens: "stepgraph.usage.output_audio_tokens",
  modelCalls: "stepgraph.usage.model_calls",
  budgetNanoUsd: "stepgraph.budget.limit_nano_usd",
  budgetScope: "stepgraph.budget.scope",
  budgetReservedNanoUsd: "stepgraph.budget.reserved_nano_usd",
  budgetSpentNanoUsd: "stepgraph.budget.spent_nano_usd",
} as const;

/** The provider of a model id: stepgraph talks to OpenAI-compatible endpoints only, through the `openai` SDK. */
export const PROVIDER = "openai";

/**
 * `error.type` for a failed request: the HTTP status when the server answered
 * (`"429"`, as the conventions' examples write it), else {@link errorTypeOf}.
 */
export const requestErrorTypeOf = (error: unknown): string => {
  const status = typeof error === "object" && error !== null ? (error as { readonly status?: unknown }).status : undefined;
  return typeof status === "number" ? String(status) : errorTypeOf(error);
};

/**
 * `error.type` for a failure: an error's `_tag` (stepgraph's and Effect's
 * tagged errors), else its class name, else "_OTHER" (the convention's
 * fallback). Never the message, which may carry user data.
 */
export const errorTypeOf = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const tag = (error as { readonly _tag?: unknown })._tag;
    if (typeof tag === "string" && tag.length > 0) return tag;
    const name = (error as { readonly name?: unknown }).name;
    if (typeof name === "string" && name.length > 0) return name;
  }
  return "_OTHER";
};
