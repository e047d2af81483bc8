/**
 * One run inside another. This is the only way a run enters another: a
 * sub-pipeline step nests its pipeline under the step, and a router nests
 * its chosen route under the route's name. The nested run inherits the
 * parent's environment (signal, services, deadline, budgets, limiter,
 * client, prices); its events appear in the parent's trace with ids
 * prefixed by the parent step's (`"enrich/extract"`) and times on the
 * parent's clock; its usage, also of a failed run, is added to the parent's
 * under that step.
 */
import * as Effect from "effect/Effect";
import type { RunEnv } from "./env.js";
import { partialOf } from "./errors.js";
import type { PipelineEvent } from "./events.js";
import type { Flow } from "./flow.js";
import { AttemptContext } from "./internal/context.js";
import type { RunRecord } from "./record.js";
import type { RunOptions } from "./options.js";
import type { UntypedResult } from "./result.js";
import { runToPromise } from "./run.js";
import { UNTRACED } from "./telemetry.js";

/** The separator between a step's id and its nested run's step ids in the parent's trace. */
export const NESTED_ID_SEPARATOR = "/";

/** A nested run's event as the parent records it: its step id prefixed, its times moved by `offset`. */
const rebased = (event: PipelineEvent, prefix: string, offset: number): PipelineEvent =>
  event.type === "call" || event.type === "hook"
    ? { ...event, stepId: prefix + event.stepId, at: event.at + offset, startedAt: event.startedAt + offset }
    : { ...event, stepId: prefix + event.stepId, at: event.at + offset };

/**
 * Runs `child` as a part of the run whose record is `record`, under its step
 * `stepId`, with what that step passes on (`parent`) and the child's own
 * run `options`.
 */
export const nest = (
  child: Flow,
  input: unknown,
  options: RunOptions,
  parent: RunEnv,
  record: RunRecord,
  stepId: string,
): Effect.Effect<UntypedResult, unknown> => {
  const prefix = stepId + NESTED_ID_SEPARATOR;
  const inherited: RunEnv = {
    ...parent,
    // Events are forwarded as they happen, so the child's "now" is the parent's.
    // The child's own span has seen the event already: the parent's trace gets it, not the parent's span.
    onEvent: (event) => record.forward(rebased(event, prefix, record.now() - event.at)),
    parent: { record, stepId },
    // Under a parent with telemetry but no span (not sampled), the child is not traced either.
    telemetry: record.span?.child(stepId) ?? (parent.telemetry === undefined ? undefined : UNTRACED),
  };
  return Effect.tapError(
    Effect.tap(child.run(input, options, inherited), (result) => Effect.sync(() => record.ledger.recordNested(stepId, result.usage))),
    (error) =>
      Effect.sync(() => {
        const usage = partialOf(error)?.usage;
        if (usage !== undefined) record.ledger.recordNested(stepId, usage);
      }),
  );
};

/**
 * Runs `child` nested in the run of the step whose context is `ctx` (a
 * sub-pipeline step's function). A context the runtime did not make (a
 * test's fake, say) has no run to nest in: the child then runs on its own
 * with the context's signal and services.
 */
export const nestInStep = (
  child: Flow,
  input: unknown,
  ctx: { readonly signal: AbortSignal; readonly services: unknown },
): Promise<UntypedResult> => {
  if (!(ctx instanceof AttemptContext)) return child.start(input, { signal: ctx.signal, services: ctx.services }, undefined);
  const { env, state, journal } = ctx.scope;
  const nested = journal?.nested(`${ctx.stepId}@${ctx.attempt}`);
  const parent: RunEnv = { ...env, signal: ctx.signal, budgets: ctx.budgets(), journal: nested };
  return runToPromise(nest(child, input, {}, parent, state.record, ctx.stepId), ctx.scope.effects);
};
