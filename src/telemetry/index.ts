/**
 * `stepgraph/telemetry`: OpenTelemetry spans of pipeline runs, with the
 * GenAI semantic conventions and exact cost on every span.
 *
 * - {@link otlp} sends them to any OTLP/HTTP collector, with Effect's own exporter.
 * - {@link fromTracer} writes them to an Effect `Tracer` you already have.
 *
 * Pass either as `telemetry` to `pipeline(name, { telemetry })`,
 * `configure`, `run`, `runMany` or `runEach`.
 *
 * @module
 */
export { otlp, type OtlpOptions, type OtlpTelemetry } from "./otlp.js";
export { fromTracer, type FromTracerOptions } from "./tracer.js";
export type { Telemetry } from "../runtime/telemetry.js";
