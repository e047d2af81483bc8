/**
 * One agent call: the tool-call loop over chat-completion requests, each
 * request under the call's timeout and retry policy, with every billed
 * request accounted.
 */
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import type { ChatCompletion, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { z } from "zod";
import type { ResolvedCallConfig } from "../../runtime/config.js";
import type { ModelCallHost } from "../../runtime/host.js";
import { withRetries } from "../../runtime/retry.js";
import { addUsage, emptyUsage, type Usage } from "../../runtime/usage.js";
import type { Agent, AgentInput, AgentResponse, CallOptions, ToolCallRecord } from "../types.js";
import { AgentMaxTurnsError, AgentOutputError, AgentRequestError } from "../errors.js";
import { tokensOf } from "./billing.js";
import { isChatCompletion, notACompletion, toAgentError } from "./errors.js";
import { clientFor, initialMessages, requestBase, requestOptions, type RequestBase } from "./request.js";
import { runToolCalls } from "./tools.js";
import { callHooksOf, hookedRequest, type RequestPlace } from "./hooks.js";
import type { CallHooks } from "../../runtime/hooks.js";
import { callSetupOf } from "./call-options.js";

const DEFAULT_MAX_TURNS = 8;

/** Parses and validates the reply text against the agent's output schema. */
export const parseOutput = (agent: Agent<unknown>, text: string): unknown => {
  const schema = agent.config.output;
  if (schema === undefined) return text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AgentOutputError({
      model: agent.model,
      text,
      issues: [{ message: `not JSON (${error instanceof Error ? error.message : String(error)})` }],
    });
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) {
    throw new AgentOutputError({
      model: agent.model,
      text,
      issues: parsed.error.issues.map((issue) => ({ message: issue.message, path: issue.path })),
    });
  }
  return parsed.data;
};

/** What a traced call reports of a completion (its text only when content is captured, which the billing decides). */
const responseFacts = (completion: ChatCompletion) => {
  const message = completion.choices[0]?.message;
  return {
    id: completion.id,
    model: completion.model,
    finishReasons: completion.choices.map((choice) => choice.finish_reason),
    text: message?.tool_calls !== undefined && message.tool_calls.length > 0 ? JSON.stringify(message.tool_calls) : (message?.content ?? undefined),
  };
};

/**
 * Sends one request and accounts for it, with the call's hooks around it
 * (`hookedRequest`). Usage of a billed response is recorded even if its
 * output is then rejected; a reply that is not a chat completion is a
 * retryable {@link AgentRequestError} and, its usage never known, an
 * abandoned request.
 */
const sendRequest = (
  agent: Agent<unknown>,
  host: ModelCallHost,
  base: RequestBase,
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
  hooks: ReadonlyArray<CallHooks>,
  place: RequestPlace,
): Promise<{ completion: ChatCompletion; usage: Usage; text: string }> =>
  hookedRequest(agent, host, base, messages, false, signal, hooks, place, async (billing) => {
    let completion: ChatCompletion;
    try {
      const { data, response } = await clientFor(agent, host.client, host.callSite)
        .chat.completions.create({ ...base, messages }, requestOptions(signal))
        .withResponse();
      if (!isChatCompletion(data)) throw notACompletion(agent.model, response.status, response.headers.get("content-type"), data);
      completion = data;
    } catch (error) {
      billing.fail(error, signal.aborted);
      throw toAgentError(agent.model, error);
    }
    const response = host.traced ? responseFacts(completion) : undefined;
    const message = completion.choices[0]?.message;
    const usage = billing.settle(tokensOf(completion.usage), response, message?.tool_calls?.length ?? 0);
    return { completion, usage, text: message?.content ?? "" };
  });

/**
 * A signal aborted when either `first` or `second` is, and the function that
 * unlinks it from both. Unlike `AbortSignal.any`, whose listeners stay on its
 * sources (and on Node 20 keep every composite alive for as long as they
 * live), an unlinked signal is collected with the call: a service making
 * millions of calls under one step signal stays flat.
 */
const linkSignals = (first: AbortSignal, second: AbortSignal): { readonly signal: AbortSignal; readonly unlink: () => void } => {
  const controller = new AbortController();
  const source = first.aborted ? first : second.aborted ? second : undefined;
  if (source !== undefined) {
    controller.abort(source.reason);
    return { signal: controller.signal, unlink: () => undefined };
  }
  const onFirst = () => controller.abort(first.reason);
  const onSecond = () => controller.abort(second.reason);
  first.addEventListener("abort", onFirst, { once: true });
  second.addEventListener("abort", onSecond, { once: true });
  return {
    signal: controller.signal,
    unlink: () => {
      first.removeEventListener("abort", onFirst);
      second.removeEventListener("abort", onSecond);
    },
  };
};

/**
 * Runs `attempt` under the call's timeout and retries (`policy`: the call's
 * options over the step's call defaults). `attempt` is given its signal and
 * its number, from 1. `mayRetry`, asked just before a retry would be
 * scheduled, can refuse it (a stream whose text the reader has already seen).
 */
export const withCallPolicy = <A>(
  agent: Agent<unknown>,
  host: ModelCallHost,
  policy: ResolvedCallConfig,
  attempt: (signal: AbortSignal, number: number) => Promise<A>,
  mayRetry?: () => boolean,
): Promise<A> => {
  const { timeoutMs, retries, retryDelayMs } = policy;
  let attempts = 0;
  let once: Effect.Effect<A, unknown> = Effect.tryPromise({
    try: (signal) => {
      const number = ++attempts;
      const link = linkSignals(signal, host.signal);
      return attempt(link.signal, number).finally(link.unlink);
    },
    catch: (error) => error,
  });
  if (timeoutMs !== undefined) {
    once = Effect.timeoutOrElse(once, {
      duration: timeoutMs,
      orElse: () =>
        Effect.fail(
          new AgentRequestError({
            model: agent.model,
            status: undefined,
            retryable: true,
            retryAfterMs: undefined,
            detail: `no response within the call's timeout of ${timeoutMs} ms`,
          }),
        ),
    });
  }
  const retried = withRetries(once, { retries, retryDelayMs, attempts: () => attempts, allow: mayRetry && (() => mayRetry()) });
  return Effect.runPromiseExit(retried, { signal: host.signal }).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value;
    // Interrupted by the step's signal: its reason says why (a crossed budget's error, say), not "interrupted".
    if (Cause.hasInterruptsOnly(exit.cause) && host.signal.aborted && host.signal.reason !== undefined) throw host.signal.reason;
    throw Cause.squash(exit.cause);
  });
};

/** Calls an agent: the tool loop, structured output, and usage over every request. */
export const completeAgent = async <Output>(
  agent: Agent<Output>,
  host: ModelCallHost,
  input: AgentInput,
  given?: CallOptions,
): Promise<AgentResponse<Output>> => {
  const { options, policy } = callSetupOf(given, host, agent.model);
  const untyped = agent as Agent<unknown>;
  const base = requestBase(untyped, options);
  const messages = initialMessages(untyped, input);
  const maxTurns = agent.config.maxTurns ?? DEFAULT_MAX_TURNS;
  const toolCalls: ToolCallRecord[] = [];
  const hooks = callHooksOf(untyped, host);
  let usage = emptyUsage;
  for (let turn = 1; turn <= maxTurns; turn++) {
    const reply = await withCallPolicy(untyped, host, policy, async (signal, callAttempt) => {
      const sent = await sendRequest(untyped, host, base, messages, signal, hooks, { turn, callAttempt });
      usage = addUsage(usage, sent.usage);
      const message = sent.completion.choices[0]?.message;
      if (message?.tool_calls !== undefined && message.tool_calls.length > 0) return { message, output: undefined };
      const text = message?.content ?? "";
      return { message, text, output: parseOutput(untyped, text) };
    });
    const message = reply.message;
    if (message?.tool_calls !== undefined && message.tool_calls.length > 0) {
      messages.push({ role: "assistant", content: message.content ?? null, tool_calls: message.tool_calls });
      messages.push(...(await runToolCalls(untyped, message.tool_calls, host, toolCalls)));
      continue;
    }
    const text = "text" in reply ? (reply.text ?? "") : "";
    return { output: reply.output as Output, text, usage, model: agent.model, turns: turn, toolCalls };
  }
  throw new AgentMaxTurnsError({ model: agent.model, maxTurns });
};
