/**
 * How a sub-pipeline step reaches the run it belongs to. A step context
 * exposes its run scope under the registry symbol `stepgraph/runScope`; this
 * file is the only place in flow/ that reads it, so the runtime can change
 * what a scope holds without flow/ noticing.
 */
import { runScopeKey, type RunScope } from "../../runtime/internal/context.js";
import type { PipelineEvent } from "../../runtime/events.js";
import type { RunUsage } from "../../runtime/usage.js";
import { shiftEvent } from "./report.js";

/** The run a step context belongs to, or `undefined` for a context the runtime did not make (a test's fake, say). */
export const parentScope = (ctx: unknown): RunScope | undefined =>
  typeof ctx === "object" && ctx !== null ? (ctx as { readonly [runScopeKey]?: RunScope })[runScopeKey] : undefined;

/**
 * Adds a sub-run's usage to the parent run's ledger under the step that ran
 * it, so the parent's `usage.byStep[stepId]` and totals include it.
 */
export const recordNestedUsage = (ctx: { readonly stepId: string }, usage: RunUsage): void => {
  parentScope(ctx)?.state.ledger.recordNested(ctx.stepId, usage);
};

/** The separator between a step's id and its sub-pipeline's step ids in the parent's trace. */
export const NESTED_ID_SEPARATOR = "/";

/**
 * An `onEvent` listener that copies a sub-run's events into the parent run's
 * trace (and the parent's `onEvent`), with the sub-step's id prefixed by the
 * parent step's (`"enrich/extract"`) and the time rebased on the parent's
 * clock. `undefined` when the context has no parent run.
 */
export const nestedEventForwarder = (ctx: { readonly stepId: string }): ((event: PipelineEvent) => void) | undefined => {
  const scope = parentScope(ctx);
  if (scope === undefined) return undefined;
  const prefix = `${ctx.stepId}${NESTED_ID_SEPARATOR}`;
  const state = scope.state;
  return (event) => state.emit({ ...shiftEvent(event, state.now() - event.at), stepId: prefix + event.stepId });
};
