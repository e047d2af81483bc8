/**
 * `telemetry` (from `stepgraph/telemetry`) is accepted wherever run options
 * are: the pipeline, `configure`, `run`, `toEffect`, `runMany`, `runEach` and
 * routers; `otlp()` returns an `OtlpTelemetry` with `flush` and `close`.
 */
import type * as Tracer from "effect/Tracer";
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd";
import { pipeline, router, type RunOptions } from "../src/index.js";
import { fromTracer, otlp, type OtlpTelemetry, type Telemetry } from "../src/telemetry/index.js";

const telemetry = otlp({ url: "http://localhost:4318", serviceName: "svc", captureContent: false, flush: true, encoding: "protobuf", sampleRate: 0.1, metrics: true });
expectType<OtlpTelemetry>(telemetry);
expectType<Promise<void>>(telemetry.flush());
expectType<Promise<void>>(telemetry.close());
expectAssignable<Telemetry>(telemetry);
declare const tracer: Tracer.Tracer;
expectType<Telemetry>(fromTracer(tracer, { captureContent: true }));

const p = pipeline<{ n: number }>("traced", { telemetry }).step("double", (ctx) => ctx.input.n * 2);
p.configure({ telemetry });
p.run({ n: 1 }, { telemetry });
p.toEffect({ n: 1 }, { telemetry });
p.runMany([{ n: 1 }], { telemetry, concurrency: 2 });
p.runEach([{ n: 1 }], { telemetry });
router("r", { routes: { p }, route: () => "p" as const }).run({ n: 1 }, { telemetry });
expectAssignable<RunOptions>({ telemetry: undefined });

// The options object is not telemetry: it must go through otlp().
expectNotAssignable<RunOptions>({ telemetry: { url: "http://localhost:4318" } });
expectError(p.run({ n: 1 }, { telemetry: "http://localhost:4318" }));
expectError(otlp({ url: "http://localhost:4318", encoding: "xml" }));
expectError(otlp({ captureContents: true }));
