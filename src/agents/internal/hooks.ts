/**
 * Runs a call's dispatch hooks (runtime/hooks.ts) around one model request:
 * the one place that decides their order, what they see, how their errors
 * fail the call (never retried) and how their time reaches the trace.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { CallSkippedError, concatHooks, hookList, type CallHooks, type CallOutcome, type CallRequest } from "../../runtime/hooks.js";
import type { ModelCallHost } from "../../runtime/host.js";
import { refuseRetries } from "../../runtime/retry.js";
import type { Agent } from "../types.js";
import type { RequestBilling } from "./billing.js";

/** The hooks of an agent's requests in a step, outermost first: the run's and pipeline's (and outer runs'), then the agent's. */
export const callHooksOf = (agent: Agent<unknown>, host: ModelCallHost): ReadonlyArray<CallHooks> =>
  concatHooks(host.hooks, hookList(agent.config.hooks));

/** Where a request stands in its call: the tool-loop turn and the attempt under the call's retries. */
export interface RequestPlace {
  readonly turn: number;
  readonly callAttempt: number;
}

/** The request as the hooks see it: frozen, its messages a copy (the tool loop appends to the call's own). */
export const callRequestOf = (
  agent: Agent<unknown>,
  host: ModelCallHost,
  billing: RequestBilling,
  messages: ReadonlyArray<ChatCompletionMessageParam>,
  maxTokens: number | undefined,
  stream: boolean,
  place: RequestPlace,
): CallRequest =>
  Object.freeze({
    pipeline: host.pipeline,
    stepId: host.stepId,
    runId: host.runId,
    stepAttempt: host.attempt,
    callAttempt: place.callAttempt,
    turn: place.turn,
    model: agent.model,
    stream,
    messages: Object.freeze([...messages]),
    maxTokens,
    estimatedInputTokens: billing.estimatedInputTokens ?? 0,
    reservedNanoUsd: billing.reservedNanoUsd,
  });

/**
 * Runs the `beforeCall` hooks in order. If one throws, the request is not
 * sent: its billing is closed unsent (the reservation released), the rest
 * are not run, and the error is rethrown, marked never to be retried.
 */
export const beforeCall = async (
  hooks: ReadonlyArray<CallHooks>,
  host: ModelCallHost,
  request: CallRequest,
  signal: AbortSignal,
  billing: RequestBilling,
): Promise<void> => {
  const startedAt = host.now();
  const context = { signal };
  try {
    for (const set of hooks) if (set.beforeCall !== undefined) await set.beforeCall(request, context);
  } catch (error) {
    billing.skip();
    const skipped = error instanceof CallSkippedError;
    host.hook({ hook: "beforeCall", model: request.model, startedAt, durationMs: host.now() - startedAt, error, ...(skipped ? { skipped: true as const } : {}) });
    throw refuseRetries(error);
  }
  host.hook({ hook: "beforeCall", model: request.model, startedAt, durationMs: host.now() - startedAt });
};

/**
 * Runs every `afterCall` hook in order, each seeing the outcome even when
 * an earlier one threw; the first error thrown is rethrown, marked never to
 * be retried, and is what the call fails with.
 */
export const afterCall = async (hooks: ReadonlyArray<CallHooks>, host: ModelCallHost, outcome: CallOutcome, signal: AbortSignal): Promise<void> => {
  const startedAt = host.now();
  const context = { signal };
  let failure: { readonly error: unknown } | undefined;
  for (const set of hooks) {
    if (set.afterCall === undefined) continue;
    try {
      await set.afterCall(outcome, context);
    } catch (error) {
      failure ??= { error };
    }
  }
  const model = outcome.request.model;
  host.hook({ hook: "afterCall", model, startedAt, durationMs: host.now() - startedAt, ...(failure === undefined ? {} : { error: failure.error }) });
  if (failure !== undefined) throw refuseRetries(failure.error);
};
