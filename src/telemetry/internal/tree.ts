/**
 * A run's spans as a tree, built from the run's events. Spans are kept until
 * the top-level run ends, then handed to the exporter parents first, with
 * their recorded start and end times: a model call's event arrives when the
 * call has ended (possibly after its attempt has), and the step and run
 * totals are sums over the model-call spans below them, so a total is never
 * counted twice. A span that arrives after the trace was exported (a call
 * aborted after its run ended, say) is exported on its own, under its parent.
 */
import { randomUUID } from "node:crypto";
import type { PipelineEvent } from "../../runtime/events.js";
import type { EventDetail, ModelCallDetail, RunEnd, RunSpan, RunStart, Telemetry, ToolCallInfo } from "../../runtime/telemetry.js";
import { ERROR_TYPE, errorTypeOf, GenAI, PROVIDER, requestErrorTypeOf, Stepgraph } from "./attributes.js";
import { inputMessages, outputMessages, toContent } from "./content.js";
import type { MetricRecorder, NodeExporter, SpanNode } from "./span-node.js";

/** How a trace is exported. */
export interface TraceOptions {
  readonly exporter: NodeExporter;
  readonly captureContent: boolean;
  /** Flush after each top-level run, and make the run wait for it. */
  readonly flush: boolean;
  /** Where the metrics of each finished trace go, when metrics are on. */
  readonly metrics?: MetricRecorder | undefined;
}

const node = (
  role: SpanNode["role"],
  name: string,
  parent: SpanNode | undefined,
  start: number,
  usage?: SpanNode["usage"],
): SpanNode => ({ role, name, parent, start, end: undefined, attributes: new Map(), error: undefined, usage, children: [] });

/** One top-level run's tree: its nested runs add their spans to it. */
class Tree {
  exported = false;
  constructor(
    readonly root: SpanNode,
    readonly options: TraceOptions,
  ) {}

  /** Links a span into the tree; a span arriving after the export goes out on its own. */
  add(span: SpanNode): void {
    span.parent?.children.push(span);
    if (this.exported) {
      writeTotals(span);
      this.options.exporter.export(span);
      this.options.metrics?.record(span);
    }
  }

  /** Writes the totals and exports every span, parents first. */
  export(): Promise<void> | undefined {
    this.exported = true;
    writeTotals(this.root);
    const visit = (span: SpanNode): void => {
      this.options.exporter.export(span);
      for (const child of span.children) visit(child);
    };
    visit(this.root);
    this.options.metrics?.record(this.root);
    return this.options.flush ? this.options.exporter.flush() : undefined;
  }
}

/** Sums the model-call usage below each run and step span onto it. Returns the span's totals. */
const writeTotals = (span: SpanNode): { input: number; cached: number; output: number; cost: number | null; calls: number } => {
  if (span.usage !== undefined) return { ...span.usage, calls: 1 };
  const total = { input: 0, cached: 0, output: 0, cost: 0 as number | null, calls: 0 };
  for (const child of span.children) {
    const sum = writeTotals(child);
    total.input += sum.input;
    total.cached += sum.cached;
    total.output += sum.output;
    total.cost = total.cost === null || sum.cost === null ? null : total.cost + sum.cost;
    total.calls += sum.calls;
  }
  // A run always says what it spent; a step only when it called a model (most plain steps did not: nothing to add up).
  if (span.role === "run" || (span.role === "step" && total.calls > 0)) {
    const attributes = span.attributes;
    attributes.set(Stepgraph.inputTokens, total.input);
    attributes.set(Stepgraph.cachedInputTokens, total.cached);
    attributes.set(Stepgraph.outputTokens, total.output);
    attributes.set(Stepgraph.modelCalls, total.calls);
    if (total.cost === null) attributes.set(Stepgraph.costUnknown, true);
    else attributes.set(Stepgraph.costNanoUsd, total.cost);
  }
  return total;
};

const failWith = (span: SpanNode, error: unknown, type = errorTypeOf(error)): void => {
  span.error = { type, cause: error };
  span.attributes.set(ERROR_TYPE, type);
};

/** The spans of one run (top-level or nested): the runtime's {@link RunSpan}. */
export class RunTrace implements RunSpan {
  readonly captureContent: boolean;
  private readonly run: SpanNode;
  /** Each step's attempt in progress. */
  private readonly open = new Map<string, SpanNode>();
  /** Steps whose next attempt a durable run's journal says runs again after a crash. */
  private readonly duplicated = new Set<string>();
  /** Every attempt span, by `stepId#attempt`, so a late model call finds its own. */
  private readonly attempts = new Map<string, SpanNode>();

  private readonly spans: Tree;
  private readonly origin: number;

  constructor(
    start: RunStart,
    parent: SpanNode | undefined,
    tree: Tree | undefined,
    private readonly options: TraceOptions,
  ) {
    const origin = (this.origin = start.origin);
    this.captureContent = options.captureContent;
    this.run = node("run", `invoke_workflow ${start.pipeline}`, parent, origin);
    const attributes = this.run.attributes;
    attributes.set(GenAI.operationName, "invoke_workflow");
    attributes.set(GenAI.workflowName, start.pipeline);
    attributes.set(Stepgraph.pipeline, start.pipeline);
    attributes.set(Stepgraph.runKind, start.kind);
    // A durable run is known by its run id in every process that resumes it.
    attributes.set(Stepgraph.runId, start.runId ?? randomUUID());
    this.spans = tree ?? new Tree(this.run, options);
    if (tree !== undefined) tree.add(this.run);
  }

  private time(at: number): number {
    return this.origin + at;
  }

  event(event: PipelineEvent, detail: EventDetail | undefined): void {
    switch (event.type) {
      case "start": {
        const span = node("step", `step ${event.stepId}`, this.run, this.time(event.at));
        span.attributes.set(Stepgraph.stepId, event.stepId);
        span.attributes.set(Stepgraph.stepAttempt, event.attempt);
        if (this.duplicated.delete(event.stepId)) span.attributes.set(Stepgraph.stepPossiblyDuplicated, true);
        this.open.set(event.stepId, span);
        this.attempts.set(`${event.stepId}#${event.attempt}`, span);
        this.spans.add(span);
        return;
      }
      case "retry":
        return this.close(event.stepId, event.at, "retried", event.error, (span) => span.attributes.set(Stepgraph.stepRetryDelayMs, Math.round(event.delayMs)));
      case "success":
        return this.close(event.stepId, event.at, "success", undefined);
      case "stop":
        return this.close(event.stepId, event.at, "stopped", undefined);
      case "journal": {
        // A durable run's journal: the open step was taken from it (a zero-cost replay), or its next attempt runs
        // again after a crash (the mark comes before the attempt's start).
        const span = this.open.get(event.stepId);
        if (event.replayed && span !== undefined) span.attributes.set(Stepgraph.stepReplayed, true);
        if (event.possiblyDuplicated) {
          if (span !== undefined && event.replayed) span.attributes.set(Stepgraph.stepPossiblyDuplicated, true);
          else this.duplicated.add(event.stepId);
        }
        return;
      }
      case "failure":
        return this.close(event.stepId, event.at, "failure", event.error);
      case "skip": {
        const span = node("step", `step ${event.stepId}`, this.run, this.time(event.at));
        span.end = span.start;
        span.attributes.set(Stepgraph.stepId, event.stepId);
        span.attributes.set(Stepgraph.stepOutcome, "skipped");
        span.attributes.set(Stepgraph.stepSkipReason, event.reason);
        this.spans.add(span);
        return;
      }
      case "call":
        return this.call(event, detail);
      case "hook":
        return this.hook(event, detail);
    }
  }

  /** A call's hooks: a span under the step's attempt, beside the request's `chat` span. */
  private hook(event: Extract<PipelineEvent, { type: "hook" }>, detail: EventDetail | undefined): void {
    const parent = (detail?.attempt === undefined ? undefined : this.attempts.get(`${event.stepId}#${detail.attempt}`)) ?? this.open.get(event.stepId) ?? this.run;
    const span = node("hook", `hook ${event.hook}`, parent, this.time(event.startedAt));
    span.end = span.start + event.durationMs;
    span.attributes.set(Stepgraph.hookName, event.hook);
    span.attributes.set(GenAI.requestModel, event.model);
    span.attributes.set(Stepgraph.stepId, event.stepId);
    if (event.skipped === true) span.attributes.set(Stepgraph.hookSkipped, true);
    if (event.error !== undefined) failWith(span, event.error);
    this.spans.add(span);
  }

  /** Ends the step's attempt in progress with `outcome` (a step that failed before any attempt gets a span of no length). */
  private close(stepId: string, at: number, outcome: string, error: unknown, more?: (span: SpanNode) => void): void {
    let span = this.open.get(stepId);
    if (span === undefined) {
      span = node("step", `step ${stepId}`, this.run, this.time(at));
      span.attributes.set(Stepgraph.stepId, stepId);
      this.spans.add(span);
    }
    this.open.delete(stepId);
    span.end = this.time(at);
    span.attributes.set(Stepgraph.stepOutcome, outcome);
    if (error !== undefined) failWith(span, error);
    more?.(span);
  }

  private call(event: Extract<PipelineEvent, { type: "call" }>, detail: EventDetail | undefined): void {
    const call: ModelCallDetail | undefined = detail?.call;
    const parent = (detail?.attempt === undefined ? undefined : this.attempts.get(`${event.stepId}#${detail.attempt}`)) ?? this.open.get(event.stepId) ?? this.run;
    const cached = call?.cachedInputTokens ?? 0;
    const span = node("chat", `chat ${event.model}`, parent, this.time(event.startedAt), {
      input: event.inputTokens,
      cached,
      output: event.outputTokens,
      // An abandoned request counts 0 in the totals, as in the run's usage (its billed cost never arrived).
      cost: event.abandoned === undefined ? event.costNanoUsd : 0,
    });
    span.end = span.start + event.durationMs;
    const attributes = span.attributes;
    attributes.set(GenAI.operationName, "chat");
    attributes.set(GenAI.providerName, PROVIDER);
    attributes.set(GenAI.requestModel, event.model);
    attributes.set(GenAI.usageInputTokens, event.inputTokens);
    attributes.set(GenAI.usageOutputTokens, event.outputTokens);
    attributes.set(GenAI.usageCacheReadInputTokens, cached);
    attributes.set(Stepgraph.stepId, event.stepId);
    if (event.costNanoUsd === null) attributes.set(Stepgraph.costUnknown, true);
    else attributes.set(Stepgraph.costNanoUsd, event.costNanoUsd);
    if (event.abandoned !== undefined) {
      attributes.set(Stepgraph.requestAbandoned, true);
      attributes.set(Stepgraph.abandonedReservedNanoUsd, event.abandoned.reservedNanoUsd);
    }
    if (call !== undefined) {
      if (call.maxTokens !== undefined) attributes.set(GenAI.requestMaxTokens, call.maxTokens);
      if (call.temperature !== undefined) attributes.set(GenAI.requestTemperature, call.temperature);
      attributes.set(GenAI.requestStream, call.stream);
      // Only where the server reported them: most responses have none of these.
      if (call.cacheWriteInputTokens > 0) attributes.set(GenAI.usageCacheCreationInputTokens, call.cacheWriteInputTokens);
      if (call.reasoningTokens > 0) attributes.set(GenAI.usageReasoningOutputTokens, call.reasoningTokens);
      if (call.inputAudioTokens > 0) attributes.set(Stepgraph.inputAudioTokens, call.inputAudioTokens);
      if (call.outputAudioTokens > 0) attributes.set(Stepgraph.outputAudioTokens, call.outputAudioTokens);
      if (call.responseId !== undefined) attributes.set(GenAI.responseId, call.responseId);
      if (call.responseModel !== undefined) attributes.set(GenAI.responseModel, call.responseModel);
      if (call.finishReasons !== undefined && call.finishReasons.length > 0) attributes.set(GenAI.responseFinishReasons, call.finishReasons);
      if (this.captureContent && call.input !== undefined) attributes.set(GenAI.inputMessages, inputMessages(call.input));
      if (this.captureContent && call.output !== undefined) attributes.set(GenAI.outputMessages, outputMessages(call.output, call.finishReasons));
    }
    if (event.error !== undefined) failWith(span, event.error, requestErrorTypeOf(event.error));
    this.spans.add(span);
  }

  tool(stepId: string, attempt: number, call: ToolCallInfo): void {
    const parent = this.attempts.get(`${stepId}#${attempt}`) ?? this.run;
    const span = node("tool", `execute_tool ${call.name}`, parent, this.time(call.startedAt));
    span.end = span.start + call.durationMs;
    const attributes = span.attributes;
    attributes.set(GenAI.operationName, "execute_tool");
    attributes.set(GenAI.toolName, call.name);
    attributes.set(GenAI.toolType, "function");
    attributes.set(GenAI.toolCallId, call.callId);
    attributes.set(Stepgraph.stepId, stepId);
    if (this.captureContent && call.arguments !== undefined) attributes.set(GenAI.toolCallArguments, toContent(call.arguments));
    if (this.captureContent && call.result !== undefined) attributes.set(GenAI.toolCallResult, toContent(call.result));
    if (call.error !== undefined) failWith(span, call.error);
    this.spans.add(span);
  }

  child(stepId: string): Telemetry {
    const parent = this.open.get(stepId) ?? this.run;
    return { startRun: (start) => new RunTrace(start, parent, this.spans, this.options) };
  }

  end(end: RunEnd): Promise<void> | undefined {
    const run = this.run;
    run.end = Math.max(run.start, performance.timeOrigin + performance.now());
    run.attributes.set(Stepgraph.runStatus, end.status);
    const budget = end.budgets[0];
    if (budget !== undefined) {
      run.attributes.set(Stepgraph.budgetScope, budget.scope);
      run.attributes.set(Stepgraph.budgetNanoUsd, budget.limitNanoUsd);
      run.attributes.set(Stepgraph.budgetReservedNanoUsd, budget.reservedNanoUsd);
      run.attributes.set(Stepgraph.budgetSpentNanoUsd, budget.spentNanoUsd);
    }
    if (end.error !== undefined) failWith(run, end.error);
    // Attempts still open when the run ended were interrupted with it.
    for (const [stepId, span] of this.open) {
      span.end = run.end;
      span.attributes.set(Stepgraph.stepOutcome, "interrupted");
      this.open.delete(stepId);
    }
    return this.spans.root === run ? this.spans.export() : undefined;
  }
}

/** A {@link Telemetry} whose runs export their spans with `options`. */
export const traceTelemetry = (options: TraceOptions): Telemetry => ({
  startRun: (start) => new RunTrace(start, undefined, undefined, options),
});
