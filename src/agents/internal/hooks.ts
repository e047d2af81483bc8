/**
 * Runs a call's dispatch hooks (runtime/hooks.ts) around one model request:
 * the one place that decides their order, what they see, how their errors
 * fail the call (never retried) and how their time reaches the trace.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { CallSkippedError, concatHooks, hookList, type CallHooks, type CallOutcome, type CallRequest } from "../../runtime/hooks.js";
import type { ModelCallHost } from "../../runtime/host.js";
import { refuseRetries } from "../../runtime/retry.js";
import type { Usage } from "../../runtime/usage.js";
import type { Agent } from "../types.js";
import type { RequestBilling } from "./billing.js";
import { beginRequest, type RequestBase } from "./request.js";

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

/**
 * One model request with the call's hooks around it, for plain and streaming
 * calls alike: paced and reserved (`beginRequest`), then the `beforeCall`
 * hooks, then `send` (which makes the request and settles its billing), then
 * the `afterCall` hooks with its outcome, an error included (rethrown after
 * them). Without hooks, no request is built for them and none runs.
 */
export const hookedRequest = async <Sent extends { readonly usage: Usage; readonly text: string }>(
  agent: Agent<unknown>,
  host: ModelCallHost,
  base: RequestBase,
  messages: ReadonlyArray<ChatCompletionMessageParam>,
  stream: boolean,
  signal: AbortSignal,
  hooks: ReadonlyArray<CallHooks>,
  place: RequestPlace,
  send: (billing: RequestBilling) => Promise<Sent>,
): Promise<Sent> => {
  const hooked = hooks.length > 0;
  const billing = await beginRequest(agent, host, base, messages, stream, hooked);
  const request = hooked ? callRequestOf(agent, host, billing, messages, base.max_completion_tokens ?? undefined, stream, place) : undefined;
  if (request !== undefined) await beforeCall(hooks, host, request, signal, billing);
  billing.markSent();
  const sentAt = performance.now();
  let sent: Sent;
  try {
    sent = await send(billing);
  } catch (error) {
    if (request !== undefined) await afterCall(hooks, host, { ok: false, request, error, durationMs: performance.now() - sentAt }, signal);
    throw error;
  }
  if (request !== undefined) await afterCall(hooks, host, { ok: true, request, usage: sent.usage, text: sent.text, durationMs: performance.now() - sentAt }, signal);
  return sent;
};
