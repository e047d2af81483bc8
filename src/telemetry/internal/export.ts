/**
 * Spans of a finished tree written to an Effect `Tracer`: the OTLP tracer of
 * `otlp()`, or any tracer a user brings (the `@effect/opentelemetry` bridge to
 * an OpenTelemetry SDK provider, say). Each span is created with its recorded
 * start time and ended with its recorded end time.
 */
import * as Context from "effect/Context";
import * as Exit from "effect/Exit";
import * as Option from "effect/Option";
import type * as Tracer from "effect/Tracer";
import type { NodeExporter, SpanNode } from "./span-node.js";

const nanos = (epochMs: number): bigint => BigInt(Math.round(epochMs * 1e6));

/** Writes tree spans to `tracer`; a top-level run's span opens under `parent` when given. */
export const tracerExporter = (tracer: Tracer.Tracer, flush: () => Promise<void>, parent?: Tracer.AnySpan | undefined): NodeExporter => {
  const written = new WeakMap<SpanNode, Tracer.Span>();
  return {
    export(node) {
      const above = node.parent === undefined ? parent : written.get(node.parent);
      const span = tracer.span({
        name: node.name,
        parent: above === undefined ? Option.none() : Option.some(above),
        annotations: Context.empty(),
        links: [],
        startTime: nanos(node.start),
        kind: node.role === "chat" ? "client" : "internal",
        root: above === undefined,
        sampled: above?.sampled ?? true,
      });
      for (const [key, value] of node.attributes) span.attribute(key, value);
      span.end(nanos(node.end ?? node.start), node.error === undefined ? Exit.void : Exit.fail(node.error.cause));
      written.set(node, span);
    },
    flush,
  };
};
