/**
 * An agent called on its own (`agent.run`, `agent.stream`): the host a
 * pipeline step would give the call, built from the call's options instead.
 * The call itself is the same `completeAgent` / `streamAgent` a step runs.
 */
import { randomUUID } from "node:crypto";
import { BudgetScope } from "../../runtime/budget.js";
import { NO_CALL_DEFAULTS } from "../../runtime/config.js";
import { checkHooks, hookList } from "../../runtime/hooks.js";
import type { ModelCallHost } from "../../runtime/host.js";
import { limiterOf } from "../../runtime/rate-limit.js";
import { AgentConfigError } from "../errors.js";
import type { Agent, AgentInput, AgentResponse, AgentRunOptions, AgentStream } from "../types.js";
import { completeAgent } from "./complete.js";
import { streamAgent } from "./stream.js";

/** A standalone call's host, and what ends it. */
interface StandaloneCall {
  readonly host: ModelCallHost;
  /** Closes the call: records every request still open as abandoned (so its event is out before the call settles) and unlinks the signal. */
  readonly finish: () => void;
}

const NO_OPTIONS: AgentRunOptions<unknown> = {};

/**
 * Builds the host of one standalone call. Its signal aborts when the
 * caller's does (with the caller's reason) or when spend crosses one of the
 * call's budgets (with the budget's error), which is what the call then
 * rejects with.
 */
const standaloneCall = (agent: Agent<unknown>, options: AgentRunOptions<unknown>): StandaloneCall => {
  const model = agent.model;
  let own: BudgetScope | undefined;
  try {
    own = options.costBudget === undefined ? undefined : new BudgetScope({ limitUsd: options.costBudget, scope: "call" });
  } catch (error) {
    throw new AgentConfigError({ problem: `agent.run on "${model}": ${error instanceof Error ? error.message : String(error)}` });
  }
  const budgets = [...(own === undefined ? [] : [own]), ...(options.budgets ?? [])];
  let limiter;
  try {
    limiter = limiterOf(options.rateLimit);
  } catch (error) {
    throw new AgentConfigError({ problem: `agent.run on "${model}": ${error instanceof Error ? error.message : String(error)}` });
  }
  try {
    checkHooks(options.hooks, `agent.run on "${model}"`);
  } catch (error) {
    throw new AgentConfigError({ problem: error instanceof Error ? error.message : String(error) });
  }
  const controller = new AbortController();
  const outer = options.signal;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener("abort", onAbort, { once: true });
  const unsubscribe = budgets.map((budget) => budget.onBreach((error) => controller.abort(error)));
  const open = new Set<() => void>();
  const started = performance.now();
  const now = () => performance.now() - started;
  const onEvent = options.onEvent;
  const signal = controller.signal;
  const runId = options.runId ?? randomUUID();
  const host: ModelCallHost = {
    pipeline: "",
    stepId: "",
    callSite: "standalone",
    runId,
    services: options.services ?? {},
    signal,
    client: options.client,
    pricing: options.pricing,
    attempt: 1,
    // The call's hooks, then the agent's own (added by the call itself); their events are not passed to onEvent, which gets requests only.
    hooks: hookList(options.hooks),
    hook: () => undefined,
    callDefaults: NO_CALL_DEFAULTS,
    budgets,
    pace: limiter === undefined ? () => undefined : () => limiter.take(signal),
    now,
    // The response's usage is the call's account; there is no run ledger to add it to.
    record: () => undefined,
    emit: (event) => onEvent?.({ type: "call", at: now(), ...event }),
    traced: false,
    captureContent: false,
    tool: () => undefined,
    track: (abandon) => {
      open.add(abandon);
      return () => open.delete(abandon);
    },
  };
  return {
    host,
    finish: () => {
      for (const abandon of [...open]) abandon();
      outer?.removeEventListener("abort", onAbort);
      for (const stop of unsubscribe) stop();
    },
  };
};

/** `agent.run(input, options)`: one call through `completeAgent` with a standalone host. */
export const runStandalone = async <Output>(agent: Agent<Output>, input: AgentInput, options: AgentRunOptions<unknown> | undefined): Promise<AgentResponse<Output>> => {
  const call = standaloneCall(agent as Agent<unknown>, options ?? NO_OPTIONS);
  try {
    return await completeAgent(agent, call.host, input, options);
  } finally {
    call.finish();
  }
};

/** `agent.stream(input, options)`: one call through `streamAgent` with a standalone host. */
export const streamStandalone = <Output>(agent: Agent<Output>, input: AgentInput, options: AgentRunOptions<unknown> | undefined): AgentStream<Output> => {
  let call: StandaloneCall;
  try {
    call = standaloneCall(agent as Agent<unknown>, options ?? NO_OPTIONS);
  } catch (error) {
    const failed = Promise.reject(error);
    // Rejected for whoever awaits or iterates it, not unhandled when only one of them does.
    failed.catch(() => undefined);
    return {
      response: failed,
      [Symbol.asyncIterator]: () => ({ next: () => failed }) as AsyncIterator<string>,
      then: (onFulfilled, onRejected) => failed.then(onFulfilled, onRejected),
    };
  }
  const stream = streamAgent(agent, call.host, input, options);
  const response = stream.response.finally(call.finish);
  response.catch(() => undefined);
  return { response, [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](), then: (onFulfilled, onRejected) => response.then(onFulfilled, onRejected) };
};
