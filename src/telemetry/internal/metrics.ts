/**
 * Metrics of a finished trace, recorded into an Effect metric registry that
 * `effect/observability`'s `OtlpMetrics` exports: the GenAI client
 * histograms (`gen_ai.client.token.usage`, `gen_ai.client.operation.duration`,
 * the names and bucket boundaries of the GenAI semantic conventions) with
 * the pipeline name as a dimension, and stepgraph's run and step durations
 * and cost. Recorded from the same span tree as the spans, so a metric never
 * says something the trace does not.
 */
import * as Context from "effect/Context";
import * as Metric from "effect/Metric";
import { ERROR_TYPE, GenAI, PROVIDER, Stepgraph } from "./attributes.js";
import type { MetricRecorder, SpanNode } from "./span-node.js";

const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BOUNDARIES = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

type Attributes = Record<string, string>;

const text = (span: SpanNode, key: string): string | undefined => {
  const value = span.attributes.get(key);
  return value === undefined ? undefined : String(value);
};

/** The pipeline a span belongs to: its nearest run's. */
const pipelineOf = (span: SpanNode): string => {
  for (let current: SpanNode | undefined = span; current !== undefined; current = current.parent) {
    if (current.role === "run") return text(current, Stepgraph.pipeline) ?? "";
  }
  return "";
};

const seconds = (span: SpanNode): number => Math.max(0, ((span.end ?? span.start) - span.start) / 1000);

/** A recorder writing to `registry` (the one the metrics exporter reads). */
export const metricRecorder = (registry: Metric.MetricRegistry): MetricRecorder => {
  const context = Context.make(Metric.MetricRegistry, registry);
  const tokens = Metric.histogram("gen_ai.client.token.usage", { description: "Tokens used per model request, by token type ({token})", boundaries: TOKEN_BOUNDARIES });
  const operation = Metric.histogram("gen_ai.client.operation.duration", { description: "Duration of model requests (s)", boundaries: DURATION_BOUNDARIES });
  const runDuration = Metric.histogram("stepgraph.run.duration", { description: "Duration of pipeline runs (s)", boundaries: DURATION_BOUNDARIES });
  const stepDuration = Metric.histogram("stepgraph.step.duration", { description: "Duration of step attempts (s)", boundaries: DURATION_BOUNDARIES });
  const cost = Metric.counter("stepgraph.cost.nano_usd", { description: "Cost of model requests in nano-USD (1e-9 USD)", incremental: true });
  const update = <Input>(metric: Metric.Metric<Input, unknown>, value: Input, attributes: Attributes): void =>
    Metric.withAttributes(metric, attributes).updateUnsafe(value, context);

  const recordSpan = (span: SpanNode): void => {
    const pipeline = pipelineOf(span);
    const error = text(span, ERROR_TYPE);
    const failure: Attributes = error === undefined ? {} : { [ERROR_TYPE]: error };
    if (span.role === "chat" && span.usage !== undefined) {
      const base: Attributes = {
        [GenAI.operationName]: "chat",
        [GenAI.providerName]: PROVIDER,
        [GenAI.requestModel]: text(span, GenAI.requestModel) ?? "",
        [Stepgraph.pipeline]: pipeline,
      };
      const responseModel = text(span, GenAI.responseModel);
      if (responseModel !== undefined) base[GenAI.responseModel] = responseModel;
      update(operation, seconds(span), { ...base, ...failure });
      // The conventions record token usage only for requests that report it.
      if (error === undefined) {
        update(tokens, span.usage.input, { ...base, "gen_ai.token.type": "input" });
        update(tokens, span.usage.output, { ...base, "gen_ai.token.type": "output" });
      }
      if (span.usage.cost !== null && span.usage.cost > 0) update(cost, span.usage.cost, { [Stepgraph.pipeline]: pipeline, [GenAI.requestModel]: base[GenAI.requestModel]! });
    } else if (span.role === "step" && text(span, Stepgraph.stepOutcome) !== "skipped") {
      update(stepDuration, seconds(span), { [Stepgraph.pipeline]: pipeline, [Stepgraph.stepId]: text(span, Stepgraph.stepId) ?? "", [Stepgraph.stepOutcome]: text(span, Stepgraph.stepOutcome) ?? "", ...failure });
    } else if (span.role === "run") {
      update(runDuration, seconds(span), { [Stepgraph.pipeline]: pipeline, [Stepgraph.runStatus]: text(span, Stepgraph.runStatus) ?? "", ...failure });
    }
    for (const child of span.children) recordSpan(child);
  };
  return { record: recordSpan };
};
