/**
 * The Flow kernel's one interface: what pipelines and routers both are at
 * run time. Every run passes through it: `p.run`, `p.toEffect`, a batch's
 * runs, a sub-pipeline step, a router's chosen route. The facade users call
 * (flow/runnable.ts) is written once over it.
 */
import type * as Effect from "effect/Effect";
import type { Graph } from "../graph/graph.js";
import type { StepFacts } from "../graph/facts.js";
import type { RunEnv } from "./env.js";
import type { DurableTarget, RunOptions } from "./options.js";
import type { Checkpoint, UntypedResult } from "./result.js";

/** A pipeline or a router, as the runtime runs it. */
export interface Flow {
  readonly name: string;
  /** How a step that runs this flow shows in a parent's graph. */
  readonly facts: StepFacts;
  /**
   * One run as an Effect: `options` are the run's own, `inherited` what it
   * takes from the run or batch around it (see `envOf`, which decides
   * between them). Fails with the run's typed error.
   */
  run(input: unknown, options: RunOptions, inherited: RunEnv | undefined): Effect.Effect<UntypedResult, unknown>;
  /** The same run as a Promise that rejects with the run's own error; a flow may run it without a fiber of its own. */
  start(input: unknown, options: RunOptions, inherited: RunEnv | undefined): Promise<UntypedResult>;
  /** Whether a checkpoint was made by this flow (for a router: by one of its routes). */
  owns(checkpoint: Checkpoint): boolean;
  /** Its name and shape, as a durable run's journal identifies it. */
  journalTarget(): DurableTarget;
  graph(): Graph;
}
