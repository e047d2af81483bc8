/**
 * `fromTracer()`: stepgraph's spans written to an Effect `Tracer` the caller
 * already has, such as the one `@effect/opentelemetry`'s `NodeSdk.layer`
 * provides over an OpenTelemetry SDK's span processors and exporters.
 */
import type * as Tracer from "effect/Tracer";
import type { Telemetry } from "../runtime/telemetry.js";
import { tracerExporter } from "./internal/export.js";
import { traceTelemetry } from "./internal/tree.js";

/** Options of {@link fromTracer}. */
export interface FromTracerOptions {
  /** Put prompts, replies and tool arguments on the spans (see `otlp`'s option of the same name). Default false. */
  readonly captureContent?: boolean | undefined;
  /** A span every run's span opens under (the caller's own request span, say). */
  readonly parent?: Tracer.AnySpan | undefined;
  /** Called when a run with `flush: true` ends; the run waits for it. */
  readonly flush?: (() => Promise<void>) | undefined;
}

/**
 * A {@link Telemetry} that writes each run's spans to `tracer`: the same
 * spans and attributes as {@link otlp}'s, sent wherever the tracer sends them.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import { pipeline } from "stepgraph";
 * import { fromTracer } from "stepgraph/telemetry";
 *
 * const program = Effect.gen(function* () {
 *   const tracer = yield* Effect.tracer; // the Tracer your layers provide
 *   const p = pipeline("hello", { telemetry: fromTracer(tracer) }).step("greet", () => "hello");
 *   return yield* p.toEffect(undefined);
 * });
 * ```
 */
export const fromTracer = (tracer: Tracer.Tracer, options: FromTracerOptions = {}): Telemetry => {
  const flush = options.flush;
  return traceTelemetry({
    exporter: tracerExporter(tracer, flush ?? (() => Promise.resolve()), options.parent),
    captureContent: options.captureContent ?? false,
    flush: flush !== undefined,
  });
};
