/**
 * The one facade over any Flow: what users call on a pipeline or a router
 * (`run`, `toEffect`, `runMany`, `runEach`, `asStep`, `graph`, `toMermaid`),
 * written once. A pipeline builder and a router only say which Flow they are.
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import type * as Layer from "effect/Layer";
import type * as Context from "effect/Context";
import * as ManagedRuntime from "effect/ManagedRuntime";
import type { Graph } from "../graph/graph.js";
import { renderMermaid } from "../graph/mermaid.js";
import type { RuntimeStepContext } from "../runtime/definition.js";
import { tracedEnv } from "../runtime/env.js";
import type { Flow } from "../runtime/flow.js";
import type { RunOptions } from "../runtime/options.js";
import type { UntypedResult } from "../runtime/result.js";
import { runToPromise } from "../runtime/run.js";
import type { BatchInputs, BatchOptions, BatchOutcome, RunManyOptions } from "./batch.js";
import { runBatch, streamBatch } from "./internal/batch.js";
import { subFlowStep } from "./internal/sub-step.js";
import { fromTracer } from "../telemetry/tracer.js";

/** What `run` may be given to provide the Effect services of Effect steps (typed as `ProvideOptions` in flow/types.ts). */
interface ProvidedEffects {
  readonly layer?: Layer.Layer<never, unknown, never> | undefined;
  readonly runtime?: ManagedRuntime.ManagedRuntime<never, unknown> | undefined;
}

/**
 * The Effect services of a batch given a `layer` (built once for the batch,
 * released when it ends) or a `runtime` (the caller's: left as it is).
 */
const servicesOf = (
  layer: ProvidedEffects["layer"],
  runtime: ProvidedEffects["runtime"],
): { readonly context: () => Promise<Context.Context<never>>; readonly dispose: () => Promise<void> } => {
  if (runtime !== undefined) return { context: () => runtime.context(), dispose: async () => {} };
  const built = ManagedRuntime.make(layer!);
  return { context: () => built.context(), dispose: () => built.dispose() };
};

/** The untyped runtime value behind a `Pipeline` or `Router`; their types live in builder/pipeline.ts and flow/router.ts. */
export abstract class Runnable {
  /** The Flow this value runs. */
  abstract flowOf(): Flow;

  get name(): string {
    return this.flowOf().name;
  }

  /**
   * A run as a Promise. Given a `layer` or `runtime` (what the types require
   * when Effect steps need Effect services), the run is `toEffect`'s Effect
   * with them provided; otherwise the flow starts it as it sees fit.
   */
  run(input: unknown, options?: RunOptions & ProvidedEffects): Promise<UntypedResult> {
    if (options?.layer === undefined && options?.runtime === undefined) return this.flowOf().start(input, options ?? {}, undefined);
    const { layer, runtime, ...runOptions } = options;
    const effect = this.flowOf().run(input, runOptions, undefined);
    if (runtime !== undefined) {
      return runtime.runPromiseExit(effect).then((exit) => {
        if (exit._tag === "Success") return exit.value;
        throw Cause.squash(exit.cause);
      });
    }
    return runToPromise(Effect.provide(effect, layer as Layer.Layer<never, unknown, never>));
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

  async runMany(inputs: BatchInputs<unknown>, options?: RunManyOptions & ProvidedEffects): Promise<Array<BatchOutcome<unknown, unknown>>> {
    if (options?.layer === undefined && options?.runtime === undefined) return runBatch(inputs, options, this.flowOf());
    const { layer, runtime, ...batchOptions } = options;
    const services = servicesOf(layer, runtime);
    try {
      return await runBatch(inputs, batchOptions, this.flowOf(), await services.context());
    } finally {
      await services.dispose();
    }
  }

  runEach(inputs: BatchInputs<unknown>, options?: BatchOptions & ProvidedEffects): AsyncIterableIterator<BatchOutcome<UntypedResult, unknown>> {
    if (options?.layer === undefined && options?.runtime === undefined) return streamBatch(inputs, options, this.flowOf());
    const { layer, runtime, ...batchOptions } = options;
    const flow = this.flowOf();
    return (async function* () {
      const services = servicesOf(layer, runtime);
      try {
        yield* streamBatch(inputs, batchOptions, flow, await services.context());
      } finally {
        await services.dispose();
      }
    })();
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
