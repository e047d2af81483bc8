/**
 * The span tree's shapes, shared by the tree (tree.ts), the exporter
 * (export.ts) and the metrics (metrics.ts).
 */

/** An attribute value as OTLP carries it. */
export type AttributeValue = string | number | boolean | ReadonlyArray<string>;

/** One span, before it is exported. */
export interface SpanNode {
  readonly role: "run" | "step" | "chat" | "tool" | "hook";
  readonly name: string;
  readonly parent: SpanNode | undefined;
  /** Epoch milliseconds. */
  readonly start: number;
  end: number | undefined;
  readonly attributes: Map<string, AttributeValue>;
  /** Why the span failed, when it did; its status is then an error. */
  error: { readonly type: string; readonly cause: unknown } | undefined;
  /** A model call's own usage; the totals of other spans are summed from these. */
  readonly usage: { readonly input: number; readonly cached: number; readonly output: number; readonly cost: number | null } | undefined;
  readonly children: SpanNode[];
}

/** Where a finished tree goes: the OTLP tracer, or any Effect tracer. */
export interface NodeExporter {
  /** Exports a span whose parent (if any) was exported before it. */
  export(node: SpanNode): void;
  /** Sends what was exported; resolves when the collector has it (or gave up). */
  flush(): Promise<void>;
}

/** Where a trace's metrics go. */
export interface MetricRecorder {
  /** Records the metrics of every span in the tree under `root`. */
  record(root: SpanNode): void;
}

