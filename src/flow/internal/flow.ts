/**
 * What every flow (a pipeline or a router) offers the rest of flow/ at run
 * time, beyond its public methods: a way to run as a part of something else,
 * inheriting the settings of the run around it.
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import type { PriceTable } from "../../agents/pricing.js";
import type { RunOptions } from "../../runtime/options.js";
import type { Checkpoint } from "../../runtime/result.js";
import type { UntypedResult } from "../../runtime/run.js";

/** The key of {@link InternalFlow}'s run method. */
export const runFlow: unique symbol = Symbol.for("stepgraph/runFlow");

/** Settings a flow takes from the run around it unless it set its own. */
export interface Inherited {
  readonly client?: unknown;
  readonly pricing?: PriceTable | undefined;
}

/** A run's result as flows pass it around: a router's also names its route. */
export type FlowResult = UntypedResult & { readonly route?: string };

/** The runtime side of a pipeline or router. */
export interface InternalFlow {
  readonly name: string;
  /** Runs the flow; `inherited` fills in what neither the flow nor `options` set. */
  [runFlow](input: unknown, options: RunOptions, inherited: Inherited): Effect.Effect<FlowResult, unknown>;
  /** Whether a checkpoint was made by this flow (for a router: by one of its routes). */
  ownsCheckpoint(checkpoint: Checkpoint): boolean;
}

/** Whether a value is a pipeline or router built by stepgraph. */
export const isInternalFlow = (value: unknown): value is InternalFlow =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { [runFlow]?: unknown })[runFlow] === "function" &&
  typeof (value as { ownsCheckpoint?: unknown }).ownsCheckpoint === "function";

/** Runs a flow's Effect as a Promise that rejects with the flow's own error (not a wrapper). */
export const toPromise = async <A>(effect: Effect.Effect<A, unknown>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect);
  if (exit._tag === "Success") return exit.value;
  throw Cause.squash(exit.cause);
};
