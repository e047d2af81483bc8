/**
 * Streaming agent calls: text deltas as they arrive, then the same response
 * object as a plain call, with usage from `stream_options.include_usage`.
 */
import type { ModelCallHost } from "../../runtime/host.js";
import type { Agent, AgentInput, AgentResponse, CallOptions } from "../agent.js";
import { AgentConfigError } from "../errors.js";
import { RequestBilling, tokensOf } from "./billing.js";
import { parseOutput } from "./complete.js";
import { toAgentError } from "./errors.js";
import { clientFor, initialMessages, requestBase, requestOptions, requestTexts } from "./request.js";

/**
 * A streaming call: iterate it for text deltas, and await it (or its
 * `response`) for the full response with usage.
 */
export interface AgentStream<Output> extends AsyncIterable<string>, PromiseLike<AgentResponse<Output>> {
  readonly response: Promise<AgentResponse<Output>>;
}

/** A queue of deltas between the request and one reader. */
class DeltaQueue implements AsyncIterable<string> {
  private readonly items: string[] = [];
  private waiting: (() => void) | undefined;
  private done = false;
  private failure: { error: unknown } | undefined;

  push(delta: string): void {
    this.items.push(delta);
    this.wake();
  }

  end(failure?: { error: unknown }): void {
    this.done = true;
    this.failure = failure;
    this.wake();
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

/**
 * Starts a streaming call. Tools are not supported while streaming, and a
 * stream is not retried at the call level (deltas already delivered cannot
 * be taken back): the step's retries apply.
 */
export const streamAgent = <Output>(
  agent: Agent<Output>,
  host: ModelCallHost,
  input: AgentInput,
  options: CallOptions = {},
): AgentStream<Output> => {
  const untyped = agent as Agent<unknown>;
  const queue = new DeltaQueue();
  const response = (async (): Promise<AgentResponse<Output>> => {
    if (agent.config.tools !== undefined && Object.keys(agent.config.tools).length > 0) {
      throw new AgentConfigError({ problem: `Agent "${agent.model}" has tools; use ctx.run for tool calls, ctx.stream for plain replies.` });
    }
    const base = requestBase(untyped, options);
    const messages = initialMessages(untyped, input);
    await host.pace();
    const billing = await RequestBilling.open(
      host,
      agent.model,
      [host.pricing, agent.config.pricing],
      requestTexts(base, messages),
      messages.length,
      base.max_completion_tokens ?? undefined,
    );
    let text = "";
    let usage;
    try {
      const stream = await clientFor(untyped, host.client).chat.completions.create(
        { ...base, messages, stream: true, stream_options: { include_usage: true } },
        requestOptions(host.signal),
      );
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (typeof delta === "string" && delta.length > 0) {
          text += delta;
          queue.push(delta);
        }
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (error) {
      billing.fail(error);
      throw toAgentError(agent.model, error);
    }
    const settled = billing.settle(tokensOf(usage));
    return { output: parseOutput(untyped, text) as Output, text, usage: settled, model: agent.model, turns: 1, toolCalls: [] };
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
