/**
 * The one facade over any Flow: what users call on a pipeline or a router
 * (`run`, `toEffect`, `runMany`, `runEach`, `asStep`, `graph`, `toMermaid`),
 * written once. A pipeline builder and a router only say which Flow they are.
 */
import * as Effect from "effect/Effect";
import type { Graph } from "../graph/graph.js";
import { renderMermaid } from "../graph/mermaid.js";
import type { RuntimeStepContext } from "../runtime/definition.js";
import { tracedEnv } from "../runtime/env.js";
import type { Flow } from "../runtime/flow.js";
import type { RunOptions } from "../runtime/options.js";
import type { UntypedResult } from "../runtime/result.js";
import type { BatchInputs, BatchOptions, BatchOutcome, RunManyOptions } from "./batch.js";
import { runBatch, streamBatch } from "./internal/batch.js";
import { subFlowStep } from "./internal/sub-step.js";
import { fromTracer } from "../telemetry/tracer.js";

/** The untyped runtime value behind a `Pipeline` or `Router`; their types live in builder/pipeline.ts and flow/router.ts. */
export abstract class Runnable {
  /** The Flow this value runs. */
  abstract flowOf(): Flow;

  get name(): string {
    return this.flowOf().name;
  }

  run(input: unknown, options?: RunOptions): Promise<UntypedResult> {
    return this.flowOf().start(input, options ?? {}, undefined);
  }

  /**
   * Inside a span of the caller's (`Effect.withSpan`), the run's spans open
   * under it, written to the caller's Tracer, unless the run or pipeline has
   * `telemetry` of its own.
   */
  toEffect(input: unknown, options?: RunOptions): Effect.Effect<UntypedResult, unknown> {
    const flow = this.flowOf();
    const own = options ?? {};
    if (own.telemetry !== undefined) return flow.run(input, own, undefined);
    return Effect.flatMap(Effect.option(Effect.currentParentSpan), (parent) =>
      parent._tag === "None"
        ? flow.run(input, own, undefined)
        : Effect.flatMap(Effect.tracer, (tracer) => flow.run(input, own, tracedEnv(fromTracer(tracer, { parent: parent.value })))),
    );
  }

  runMany(inputs: BatchInputs<unknown>, options?: RunManyOptions): Promise<Array<BatchOutcome<unknown, unknown>>> {
    return runBatch(inputs, options, this.flowOf());
  }

  runEach(inputs: BatchInputs<unknown>, options?: BatchOptions): AsyncIterableIterator<BatchOutcome<UntypedResult, unknown>> {
    return streamBatch(inputs, options, this.flowOf());
  }

  /** The old name of {@link Runnable.runEach}. */
  stream(inputs: BatchInputs<unknown>, options?: BatchOptions): AsyncIterableIterator<BatchOutcome<UntypedResult, unknown>> {
    return this.runEach(inputs, options);
  }

  asStep(toInput?: (ctx: RuntimeStepContext) => unknown): (ctx: RuntimeStepContext) => Promise<unknown> {
    return subFlowStep(this.flowOf(), toInput);
  }

  graph(): Graph {
    return this.flowOf().graph();
  }

  toMermaid(): string {
    return renderMermaid(this.graph());
  }
}

/** Whether a value is a pipeline or router built by stepgraph. */
export const isRunnable = (value: unknown): value is Runnable => value instanceof Runnable;
