/**
 * The public types of agents: how one is configured, called, and what a call
 * returns.
 */
import type OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { z } from "zod";
import type { DurationInput } from "../graph/duration.js";
import type { PriceTable } from "../runtime/prices.js";
import type { Usage } from "../runtime/usage.js";
import type { ToolSet, ZodSchema } from "./tool.js";

/** What an agent is sent: a user message, or a full list of chat messages. */
export type AgentInput = string | ReadonlyArray<ChatCompletionMessageParam>;

/** How an agent is set up. */
export interface AgentConfig<OutputSchema extends ZodSchema | undefined = undefined> {
  /** The model id: `"gpt-4o-mini"` or `"openai:gpt-4o-mini"`. Any OpenAI-compatible endpoint works through `client`. */
  readonly model: string;
  /** The system prompt. */
  readonly system?: string | undefined;
  /** A zod schema for structured output: the reply is requested as JSON for it, parsed and validated. */
  readonly output?: OutputSchema;
  /** Tools the model may call; the agent runs the tool-call loop. */
  readonly tools?: ToolSet | undefined;
  /** Upper bound on model calls in the tool-call loop (default 8). */
  readonly maxTurns?: number | undefined;
  /** Upper bound on output tokens per call. With it, cost budgets can never be overspent. */
  readonly maxTokens?: number | undefined;
  readonly temperature?: number | undefined;
  /** The OpenAI client (default: the pipeline's, else `new OpenAI()` reading OPENAI_API_KEY / OPENAI_BASE_URL). Its own retries are turned off. */
  readonly client?: OpenAI | undefined;
  /** Prices that override or extend the built-in table. */
  readonly pricing?: PriceTable | undefined;
}

/** Per-call overrides: the most specific configuration layer. */
export interface CallOptions {
  /** Time limit per attempt of this call. */
  readonly timeout?: DurationInput | undefined;
  /** Retries of this call on transient failures (default 0: the step's own retries re-run the step). */
  readonly retries?: number | undefined;
  /** Base delay of the call's exponential, jittered back-off (default 100 ms); `Retry-After` is honoured. */
  readonly retryDelay?: DurationInput | undefined;
  readonly maxTokens?: number | undefined;
  readonly temperature?: number | undefined;
}

/** One tool call made during a response. */
export interface ToolCallRecord {
  readonly name: string;
  readonly arguments: unknown;
  readonly result: unknown;
}

/** What an agent call resolves to. */
export interface AgentResponse<Output> {
  /** The parsed, validated output (the text when the agent has no output schema). */
  readonly output: Output;
  /** The final reply's raw text. */
  readonly text: string;
  /** Tokens and cost over every request of this call (all turns and attempts). */
  readonly usage: Usage;
  readonly model: string;
  /** Model requests made (more than 1 with tools). */
  readonly turns: number;
  readonly toolCalls: ReadonlyArray<ToolCallRecord>;
}

/**
 * A streaming call: iterate it for text deltas, and await it (or its
 * `response`) for the full response with usage.
 *
 * A failed attempt is retried under the call's `retries` and `retryDelay`
 * like a plain call's (transient failures only, honouring `Retry-After`)
 * as long as the reader has not received any of its text: the retry's
 * deltas then replace it, and the reader sees the text once. Once a delta
 * has reached the reader, a failure fails the stream and the awaited
 * response with the agent error; only the step's own retries apply then.
 * The call's `timeout` limits each attempt, reading the stream included.
 */
export interface AgentStream<Output> extends AsyncIterable<string>, PromiseLike<AgentResponse<Output>> {
  readonly response: Promise<AgentResponse<Output>>;
}

/** The output type of an agent with output schema `OutputSchema`. */
export type AgentOutput<OutputSchema> = OutputSchema extends ZodSchema ? z.output<OutputSchema> : string;

/** What `asStep` needs from a step's context. */
export interface AgentCaller {
  run<Output>(agent: Agent<Output>, input: AgentInput, options?: CallOptions): Promise<AgentResponse<Output>>;
}

/**
 * An agent. Call it from a step with `ctx.run(agent, message)` or
 * `ctx.stream(agent, message)`.
 */
export interface Agent<Output> {
  /** The model id, without a provider prefix. */
  readonly model: string;
  readonly config: AgentConfig<ZodSchema | undefined>;
  /** Phantom: the output type. */
  readonly "~output"?: Output;
  /**
   * A one-call step: sends `message` (a fixed prompt, or one built from the
   * step's context, typed by the surrounding `.step`) and returns the
   * agent's output.
   *
   * @example
   * ```ts
   * .step("summary", { after: ["extract"] }, summarizer.asStep((ctx) => `Summarize: ${ctx.dep("extract")}`))
   * .step("haiku", poet.asStep("Write a haiku about pipelines."))
   * ```
   */
  asStep<Context extends AgentCaller>(
    message: AgentInput | ((ctx: Context) => AgentInput | Promise<AgentInput>),
    options?: CallOptions,
  ): (ctx: Context) => Promise<Output>;
}
