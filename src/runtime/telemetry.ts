/**
 * The telemetry seam: what the runtime tells a tracer about a run. The
 * runtime defines it and knows nothing of OpenTelemetry; `stepgraph/telemetry`
 * (`otlp()`) implements it. A run given a {@link Telemetry} (the `telemetry`
 * option of a pipeline, `configure`, `run`, a batch) opens one {@link RunSpan}
 * for its record; every event of the run reaches it through `RunRecord.emit`,
 * the one event sink, and a run nested in it (a sub-pipeline step, a
 * router's route) opens its span under the step that runs it, through
 * {@link RunSpan.child}.
 *
 * Durable runs (the journal seam in runtime/internal/scheduler.ts) emit a
 * `journal` event for a step taken from the journal (`replayed`) and for an
 * attempt that runs again after a crash (`possiblyDuplicated`); the span
 * side marks the step's span with both.
 */
import type { BudgetScope } from "./budget.js";
import type { PipelineEvent } from "./events.js";
import type { RunUsage } from "./usage.js";

/** Where a run's spans go: made by `otlp()` from `stepgraph/telemetry`. */
export interface Telemetry {
  /** Opens the span of a run that is not nested in another (or whose parent is not traced); `undefined` leaves the run untraced (not sampled). */
  startRun(run: RunStart): RunSpan | undefined;
}

/** What a run is, as it starts. */
export interface RunStart {
  /** The pipeline's or router's name. */
  readonly pipeline: string;
  readonly kind: "pipeline" | "router";
  /** Epoch milliseconds (fractional) of the run's clock origin: an event's `at` is relative to it. */
  readonly origin: number;
  /** A durable run's id (the same in every process that resumes it); undefined for a run that is not journalled. */
  readonly runId?: string | undefined;
}

/** What a model call reports beyond its trace event: request and response facts, and content when captured. */
export interface ModelCallDetail {
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly inputAudioTokens: number;
  readonly reasoningTokens: number;
  readonly outputAudioTokens: number;
  readonly maxTokens: number | undefined;
  readonly temperature: number | undefined;
  readonly stream: boolean;
  readonly responseId: string | undefined;
  readonly responseModel: string | undefined;
  readonly finishReasons: ReadonlyArray<string> | undefined;
  /** The messages sent; only when the run's telemetry captures content. */
  readonly input?: ReadonlyArray<unknown> | undefined;
  /** The reply text; only when the run's telemetry captures content. */
  readonly output?: string | undefined;
}

/** One tool call an agent ran. */
export interface ToolCallInfo {
  readonly name: string;
  readonly callId: string;
  /** Milliseconds since the run started. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly error?: unknown;
  /** Only when the run's telemetry captures content. */
  readonly arguments?: unknown;
  /** Only when the run's telemetry captures content. */
  readonly result?: unknown;
}

/** What the span side learns about an event besides the event itself. */
export interface EventDetail {
  /** The attempt a model call or tool call belongs to. */
  readonly attempt?: number | undefined;
  readonly call?: ModelCallDetail | undefined;
}

/** How a run ended. */
export interface RunEnd {
  readonly status: "completed" | "stopped" | "failed";
  readonly usage: RunUsage;
  /** The run's error, when it failed. */
  readonly error?: unknown;
  /** The budgets the run's calls were charged to, its own first. */
  readonly budgets: ReadonlyArray<BudgetScope>;
}

/** The span side of one run. */
export interface RunSpan {
  /** Whether prompts, replies and tool arguments may be reported (`captureContent`). */
  readonly captureContent: boolean;
  event(event: PipelineEvent, detail: EventDetail | undefined): void;
  tool(stepId: string, attempt: number, call: ToolCallInfo): void;
  /** Where a run nested under step `stepId` (its current attempt) opens its span. */
  child(stepId: string): Telemetry;
  /** Ends the run's span; a promise when the spans are being flushed and the run should wait for them. */
  end(end: RunEnd): Promise<void> | undefined;
}

/** The telemetry of a run nested in a run that has telemetry but no span (not sampled): it is not traced either. */
export const UNTRACED: Telemetry = { startRun: () => undefined };
