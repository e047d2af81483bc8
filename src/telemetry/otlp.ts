/**
 * `otlp()`: stepgraph's spans sent to an OpenTelemetry collector over
 * OTLP/HTTP, by Effect's own exporter (`effect/observability`'s `OtlpTracer`
 * and `OtlpSerialization`, on `effect/http`'s fetch client).
 */
import * as Clock from "effect/Clock";
import * as Context from "effect/Context";
import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Layer from "effect/Layer";
import * as Metric from "effect/Metric";
import * as Scope from "effect/Scope";
import * as Tracer from "effect/Tracer";
import { FetchHttpClient } from "effect/http";
import { OtlpExporter, OtlpMetrics, OtlpSerialization, OtlpTracer } from "effect/observability";
import { toMillis, type DurationInput } from "../graph/duration.js";
import type { Telemetry } from "../runtime/telemetry.js";
import { tracerExporter } from "./internal/export.js";
import { metricRecorder } from "./internal/metrics.js";
import { traceTelemetry } from "./internal/tree.js";

/** Options of {@link otlp}. */
export interface OtlpOptions {
  /**
   * The collector's OTLP/HTTP endpoint: a base such as `http://localhost:4318`
   * (`/v1/traces` is appended) or the full traces URL. Without it, the
   * standard `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (full URL) or
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (base) is read.
   */
  readonly url?: string | undefined;
  /** Headers of every export request (an API key for a hosted backend, say). Default: `OTEL_EXPORTER_OTLP_HEADERS` when `url` is not given. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** `service.name` of the spans. Default: `OTEL_SERVICE_NAME`, else `"unknown_service:node"`. */
  readonly serviceName?: string | undefined;
  readonly serviceVersion?: string | undefined;
  /** Further resource attributes (`deployment.environment.name`, say). */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** `"json"` (the default, which every collector accepts) or `"protobuf"`. */
  readonly encoding?: "json" | "protobuf" | undefined;
  /**
   * Put prompts, replies and tool arguments and results on the spans
   * (`gen_ai.input.messages`, `gen_ai.output.messages`,
   * `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`). Off by default:
   * they may hold personal data.
   */
  readonly captureContent?: boolean | undefined;
  /**
   * The share of top-level runs traced, from 0 to 1 (default 1: every run).
   * A run not sampled costs next to nothing, and the runs nested in it are
   * not traced either; metrics count sampled runs only.
   */
  readonly sampleRate?: number | undefined;
  /** Send a run's spans before its `run` resolves or rejects (the run waits for the collector). Default: batched every `exportInterval`. */
  readonly flush?: boolean | undefined;
  /** How often batched spans (and metrics) are sent. Default 5 seconds. */
  readonly exportInterval?: DurationInput | undefined;
  /**
   * Also export metrics to the collector's `/v1/metrics`: the GenAI client
   * histograms `gen_ai.client.token.usage` and `gen_ai.client.operation.duration`,
   * and `stepgraph.run.duration`, `stepgraph.step.duration` and the counter
   * `stepgraph.cost.nano_usd`, each with the pipeline name as a dimension.
   * Off by default.
   */
  readonly metrics?: boolean | undefined;
}

/** The telemetry `otlp()` makes: pass it as `telemetry` to a pipeline, `configure`, `run` or a batch. */
export interface OtlpTelemetry extends Telemetry {
  /** The traces URL the spans are sent to. */
  readonly url: string;
  /** The metrics URL, when `metrics: true`. */
  readonly metricsUrl: string | undefined;
  /** Sends every span not yet sent. */
  flush(): Promise<void>;
  /** Sends what is left and stops the exporter; call it when the process shuts down. */
  close(): Promise<void>;
}

const env = (name: string): string | undefined => {
  const value = typeof process === "undefined" ? undefined : process.env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
};

/** `a=b,c=d` (values URL-encoded), as the OTel specification writes headers in the environment. */
const headersFromEnv = (value: string | undefined): Record<string, string> | undefined => {
  if (value === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of value.split(",")) {
    const at = pair.indexOf("=");
    if (at > 0) headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
};

const signalUrl = (base: string, signal: "traces" | "metrics"): string => {
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new TypeError(`otlp(): "${base}" is not an http(s) URL. Give the collector's OTLP/HTTP endpoint, such as "http://localhost:4318".`);
  }
  if (url.pathname.endsWith("/v1/traces")) url.pathname = url.pathname.slice(0, -"/v1/traces".length);
  url.pathname = `${url.pathname.replace(/\/$/, "")}/v1/${signal}`;
  return url.toString();
};

/** Where the spans (and metrics) go, from the options or the standard environment variables. */
const endpointOf = (options: OtlpOptions): { readonly url: string; readonly metricsUrl: string; readonly headers: Readonly<Record<string, string>> | undefined } => {
  if (options.url !== undefined) return { url: signalUrl(options.url, "traces"), metricsUrl: signalUrl(options.url, "metrics"), headers: options.headers };
  const headers = options.headers ?? headersFromEnv(env("OTEL_EXPORTER_OTLP_TRACES_HEADERS") ?? env("OTEL_EXPORTER_OTLP_HEADERS"));
  const base = env("OTEL_EXPORTER_OTLP_ENDPOINT");
  const url = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? (base === undefined ? undefined : signalUrl(base, "traces"));
  if (url === undefined) {
    throw new TypeError(
      "otlp() was given no url, and neither OTEL_EXPORTER_OTLP_TRACES_ENDPOINT nor OTEL_EXPORTER_OTLP_ENDPOINT is set. Pass { url: \"http://localhost:4318\" } or set OTEL_EXPORTER_OTLP_ENDPOINT.",
    );
  }
  const metricsUrl = env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") ?? signalUrl(base ?? url, "metrics");
  return { url, metricsUrl, headers };
};

/**
 * The default clock, except that its timers do not keep the process alive:
 * the exporter's batching timer must not stop a script from exiting (spans
 * not yet sent then are sent by `close()`, or by `flush: true` after each run).
 */
const unrefClock = (): Clock.Clock => {
  const base = Effect.runSync(Effect.clockWith(Effect.succeed));
  return {
    currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe(),
    currentTimeMillis: base.currentTimeMillis,
    currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe(),
    currentTimeNanos: base.currentTimeNanos,
    monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: base.monotonicTimeNanos,
    sleep: (duration) =>
      Effect.callback<void>((resume) => {
        const handle = setTimeout(() => resume(Effect.void), Math.min(Duration.toMillis(duration), 2 ** 31 - 1));
        handle.unref?.();
        return Effect.sync(() => clearTimeout(handle));
      }),
  };
};

/**
 * Sends the spans of every run it is given to to an OpenTelemetry collector
 * (Jaeger, Grafana Tempo, Honeycomb, Langfuse, Datadog, the OTel Collector)
 * over OTLP/HTTP. One trace per run: `invoke_workflow <pipeline>` with a span
 * per step attempt, `chat <model>` per model request and `execute_tool
 * <name>` per tool call, with the GenAI semantic-convention attributes and
 * exact cost (`stepgraph.cost.nano_usd`). Nothing is sent for a run not given
 * it; prompts and replies only with `captureContent: true`.
 *
 * Throws a TypeError when there is no endpoint (no `url` and no
 * `OTEL_EXPORTER_OTLP_ENDPOINT`) or the url is not one.
 *
 * @example
 * ```ts
 * import { pipeline } from "stepgraph";
 * import { otlp } from "stepgraph/telemetry";
 *
 * const telemetry = otlp({ url: "http://localhost:4318", serviceName: "reports" });
 * const p = pipeline("hello", { telemetry }).step("greet", () => "hello");
 * await p.run();
 * await telemetry.close(); // sends what is left
 * ```
 */
export const otlp = (options: OtlpOptions = {}): OtlpTelemetry => {
  const { url, metricsUrl, headers } = endpointOf(options);
  const sampleRate = options.sampleRate ?? 1;
  if (!(sampleRate >= 0 && sampleRate <= 1)) throw new TypeError(`otlp(): sampleRate must be a number from 0 to 1, got ${String(options.sampleRate)}.`);
  const serviceName = options.serviceName ?? env("OTEL_SERVICE_NAME") ?? "unknown_service:node";
  const exportInterval = Duration.millis(options.exportInterval === undefined ? 5_000 : toMillis(options.exportInterval, "otlp() exportInterval"));
  const resource = { serviceName, serviceVersion: options.serviceVersion, attributes: { ...options.resourceAttributes } };
  const registry: Metric.MetricRegistry = new Map();
  const tracing = OtlpTracer.layer({ url, headers, exportInterval, resource });
  const signals = options.metrics === true
    ? Layer.merge(tracing, OtlpMetrics.layer({ url: metricsUrl, headers, exportInterval, resource }).pipe(Layer.provide(Layer.succeed(Metric.MetricRegistry, registry))))
    : tracing;
  const layer = signals.pipe(
    Layer.provide(options.encoding === "protobuf" ? OtlpSerialization.layerProtobuf : OtlpSerialization.layerJson),
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(Layer.succeed(Clock.Clock, unrefClock())),
  );
  const scope = Effect.runSync(Scope.make());
  const services = Effect.runSync(Layer.buildWithScope(layer, scope));
  const tracer = Context.get(services, Tracer.Tracer);
  const flusher = Context.get(services, OtlpExporter.Flusher);
  let closed: Promise<void> | undefined;
  const flush = (): Promise<void> => (closed ?? Effect.runPromise(flusher.flush));
  const telemetry = traceTelemetry({
    exporter: tracerExporter(tracer, flush),
    captureContent: options.captureContent ?? false,
    flush: options.flush ?? false,
    metrics: options.metrics === true ? metricRecorder(registry) : undefined,
  });
  return {
    url,
    metricsUrl: options.metrics === true ? metricsUrl : undefined,
    startRun: (start) => (sampleRate === 1 || Math.random() < sampleRate ? telemetry.startRun(start) : undefined),
    flush,
    // Closing the scope sends what is left (each exporter's finalizer) and stops the batching timers.
    close: () => (closed ??= Effect.runPromise(Scope.close(scope, Exit.void))),
  };
};
