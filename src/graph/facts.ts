/**
 * Facts a step function can carry about itself so that `p.graph()` shows
 * what it is: an agent's model, a sub-pipeline's name, a router's routes.
 */
import type { NodeKind } from "./graph.js";

/** The property under which a step function carries its {@link StepFacts}. */
export const stepFacts: unique symbol = Symbol.for("stepgraph/stepFacts");

/** What a step function may declare under {@link stepFacts}. */
export interface StepFacts {
  readonly kind: NodeKind;
  readonly model?: string | undefined;
  readonly pipeline?: string | undefined;
  readonly routes?: ReadonlyArray<string> | undefined;
}

/** The facts a step function carries, if any. */
export const factsOf = (run: unknown): StepFacts | undefined =>
  typeof run === "function" ? (run as { [stepFacts]?: StepFacts })[stepFacts] : undefined;
