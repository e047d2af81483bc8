/**
 * Streaming agent calls: text deltas as they arrive, then the same response
 * object as a plain call, with usage from `stream_options.include_usage`.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { ModelCallHost } from "../../runtime/host.js";
import { addUsage, emptyUsage, type Usage } from "../../runtime/usage.js";
import type { Agent, AgentInput, AgentResponse, AgentStream, CallOptions } from "../types.js";
import { AgentConfigError } from "../errors.js";
import { tokensOf, type RequestBilling } from "./billing.js";
import { parseOutput, withCallPolicy } from "./complete.js";
import { callSetupOf } from "./call-options.js";
import { toAgentError } from "./errors.js";
import { callHooksOf, hookedRequest, type RequestPlace } from "./hooks.js";
import type { CallHooks } from "../../runtime/hooks.js";
import { clientFor, initialMessages, requestBase, requestOptions, type RequestBase } from "./request.js";

/** A queue of deltas between the request and one reader. */
class DeltaQueue implements AsyncIterable<string> {
  private readonly items: string[] = [];
  private waiting: (() => void) | undefined;
  private done = false;
  private failure: { error: unknown } | undefined;
  /** Whether the reader has received a delta: from then on the text cannot be taken back. */
  private delivered = false;

  push(delta: string): void {
    this.items.push(delta);
    this.wake();
  }

  end(failure?: { error: unknown }): void {
    this.done = true;
    this.failure = failure;
    this.wake();
  }

  /**
   * Drops the deltas the reader has not received, so that another attempt can
   * replace them. Refuses (returns false) once the reader has received one.
   */
  retract(): boolean {
    if (this.delivered) return false;
    this.items.length = 0;
    return true;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        this.delivered = true;
        yield next;
        continue;
      }
      if (this.done) {
        if (this.failure !== undefined) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}

/** Sends one streaming request, pushing its text deltas to `queue`, and accounts for it, with the call's hooks around it (`hookedRequest`). */
const streamRequest = (
  agent: Agent<unknown>,
  host: ModelCallHost,
  base: RequestBase,
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
  queue: DeltaQueue,
  hooks: ReadonlyArray<CallHooks>,
  place: RequestPlace,
): Promise<{ text: string; usage: Usage }> =>
  hookedRequest(agent, host, base, messages, true, signal, hooks, place, (billing) => readStream(agent, host, base, messages, signal, queue, billing));

/** Reads one streaming request's deltas into `queue` and accounts for it. */
const readStream = async (
  agent: Agent<unknown>,
  host: ModelCallHost,
  base: RequestBase,
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
  queue: DeltaQueue,
  billing: RequestBilling,
): Promise<{ text: string; usage: Usage }> => {
  let text = "";
  let usage: CompletionUsage | undefined;
  let id: string | undefined;
  let model: string | undefined;
  const finishReasons: string[] = [];
  try {
    const stream = await clientFor(agent, host.client, host.callSite).chat.completions.create(
      { ...base, messages, stream: true, stream_options: { include_usage: true } },
      requestOptions(signal),
    );
    for await (const chunk of stream) {
      // An attempt given up on (timed out, interrupted) must not add to the text of the one replacing it.
      if (signal.aborted) break;
      const delta = chunk.choices[0]?.delta?.content;
      if (typeof delta === "string" && delta.length > 0) {
        text += delta;
        queue.push(delta);
      }
      if (chunk.usage) usage = chunk.usage;
      id ??= chunk.id;
      model ??= chunk.model;
      for (const choice of chunk.choices) if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    }
    // The SDK ends an aborted stream's iteration quietly: that is a failed request, not a short reply.
    signal.throwIfAborted();
  } catch (error) {
    billing.fail(error, signal.aborted);
    throw toAgentError(agent.model, error);
  }
  // Without its final usage chunk, what the stream was billed is unknown: the request counts as abandoned.
  return { text, usage: usage === undefined ? billing.unbilled() : billing.settle(tokensOf(usage), { id, model, finishReasons, text }) };
};

/**
 * Starts a streaming call. Tools are not supported while streaming. Each
 * attempt is paced, reserved and billed like a plain call's; a failed attempt
 * is retried under the call's policy only while the reader has received none
 * of its deltas (see {@link AgentStream}).
 */
export const streamAgent = <Output>(
  agent: Agent<Output>,
  host: ModelCallHost,
  input: AgentInput,
  given?: CallOptions,
): AgentStream<Output> => {
  const untyped = agent as Agent<unknown>;
  const queue = new DeltaQueue();
  const response = (async (): Promise<AgentResponse<Output>> => {
    const { options, policy } = callSetupOf(given, host, agent.model);
    if (agent.config.tools !== undefined && Object.keys(agent.config.tools).length > 0) {
      const [run, stream] = host.callSite === "standalone" ? ["agent.run", "agent.stream"] : ["ctx.run", "ctx.stream"];
      throw new AgentConfigError({ problem: `Agent "${agent.model}" has tools; use ${run} for tool calls, ${stream} for plain replies.` });
    }
    const base = requestBase(untyped, options);
    const messages = initialMessages(untyped, input);
    let usage = emptyUsage;
    const hooks = callHooksOf(untyped, host);
    const reply = await withCallPolicy(
      untyped,
      host,
      policy,
      async (signal, callAttempt) => {
        const sent = await streamRequest(untyped, host, base, messages, signal, queue, hooks, { turn: 1, callAttempt });
        usage = addUsage(usage, sent.usage);
        return { text: sent.text, output: parseOutput(untyped, sent.text) };
      },
      () => queue.retract(),
    );
    return { output: reply.output as Output, text: reply.text, usage, model: agent.model, turns: 1, toolCalls: [] };
  })();
  response.then(
    () => queue.end(),
    (error: unknown) => queue.end({ error }),
  );
  return {
    response,
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    then: (onFulfilled, onRejected) => response.then(onFulfilled, onRejected),
  };
};
