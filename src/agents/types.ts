/**
 * The public types of agents: how one is configured, called, and what a call
 * returns.
 */
import type OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { z } from "zod";
import type { DurationInput } from "../graph/duration.js";
import type { BudgetScope } from "../runtime/budget.js";
import type { ModelCallEvent } from "../runtime/events.js";
import type { CallHooksOption } from "../runtime/hooks.js";
import type { PriceTable } from "../runtime/prices.js";
import type { RateLimiter } from "../runtime/rate-limit.js";
import type { Usage } from "../runtime/usage.js";
import type { ToolSet, ZodSchema } from "./tool.js";

/** What an agent is sent: a user message, or a full list of chat messages. */
export type AgentInput = string | ReadonlyArray<ChatCompletionMessageParam>;

/** How an agent is set up. */
export interface AgentConfig<OutputSchema extends ZodSchema | undefined = undefined, Tools extends ToolSet = ToolSet> {
  /** The model id: `"gpt-4o-mini"` or `"openai:gpt-4o-mini"`. Any OpenAI-compatible endpoint works through `client`. */
  readonly model: string;
  /** The system prompt. */
  readonly system?: string | undefined;
  /** A zod schema for structured output: the reply is requested as JSON for it, parsed and validated. */
  readonly output?: OutputSchema;
  /** Tools the model may call; the agent runs the tool-call loop. The services they need become the agent's. */
  readonly tools?: Tools | undefined;
  /** Upper bound on model calls in the tool-call loop (default 8). */
  readonly maxTurns?: number | undefined;
  /** Upper bound on output tokens per call. With it, cost budgets can never be overspent. */
  readonly maxTokens?: number | undefined;
  readonly temperature?: number | undefined;
  /** The OpenAI client (default: the pipeline's, else `new OpenAI()` reading OPENAI_API_KEY / OPENAI_BASE_URL). Its own retries are turned off. */
  readonly client?: OpenAI | undefined;
  /** Prices that override or extend the built-in ones (they win over the database). */
  readonly pricing?: PriceTable | undefined;
  /**
   * Whose prices apply, as `@pydantic/genai-prices` names providers
   * (`"groq"`, `"together"`, `"fireworks"`, `"anthropic"`, ...): for a model
   * served through an endpoint the database does not know by its URL (a
   * proxy, a gateway, a local server) whose id alone does not name its
   * provider, such as `llama-3.3-70b-versatile` on Groq. Without it, the
   * client's `baseURL` names the provider when it is a known API's, else the
   * model id does (`claude-*`, `deepseek-*`, `mistral-*`, `gemini-*`, `gpt-*`).
   */
  readonly provider?: string | undefined;
  /** Hooks around each of this agent's model requests; they run after the run's and the pipeline's (see `CallHooks`). */
  readonly hooks?: CallHooksOption | undefined;
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

/** What `asStep` needs from a step's context: `run`, and the services the agent's tools read. */
export interface AgentCaller<Services = {}> {
  run<Output>(agent: Agent<Output>, input: AgentInput, options?: CallOptions): Promise<AgentResponse<Output>>;
  readonly services: Services;
}

/**
 * An agent. Call it from a step with `ctx.run(agent, message)` or
 * `ctx.stream(agent, message)`, or on its own with `agent.run(message)` or
 * `agent.stream(message)`.
 *
 * @typeParam Output - what a call's `output` is
 * @typeParam Services - the application services its tools read (`{}` when none do)
 */
export interface Agent<Output, Services = {}> {
  /** The model id, without a provider prefix. */
  readonly model: string;
  readonly config: AgentConfig<ZodSchema | undefined>;
  /** Phantom: the output type. */
  readonly "~output"?: Output;
  /** Phantom: the services its tools need. Never set at run time. */
  readonly "~services"?: () => Services;
  /**
   * Calls the agent outside any pipeline, with the same tool loop,
   * structured output, retries, timeouts, usage and cost as `ctx.run` in a
   * step. Options: the call's (`timeout`, `retries`, ...), and what a run
   * would otherwise give it: `client`, `pricing`, `costBudget`, `budgets`,
   * `signal`, `rateLimit`, `services` (required when its tools need some),
   * `onEvent`. See {@link AgentRunOptions}.
   *
   * @example
   * ```ts
   * const summarizer = agent({ model: "gpt-4o-mini", maxTokens: 200 });
   * const { output, usage } = await summarizer.run("Summarize: ...", { retries: 2, costBudget: 0.01 });
   * ```
   */
  run(input: AgentInput, ...options: AgentRunArgs<Services>): Promise<AgentResponse<Output>>;
  /**
   * Streams a call outside any pipeline: iterate it for text deltas, await
   * it for the response. The same options as {@link Agent.run}; retries
   * work as `ctx.stream`'s (see {@link AgentStream}).
   *
   * @example
   * ```ts
   * const writer = agent({ model: "gpt-4o-mini" });
   * const stream = writer.stream("Write a haiku", { timeout: "30 seconds" });
   * for await (const delta of stream) process.stdout.write(delta);
   * const { usage } = await stream;
   * ```
   */
  stream(input: AgentInput, ...options: AgentRunArgs<Services>): AgentStream<Output>;
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
  asStep<Context extends AgentCaller<Services>>(
    message: AgentInput | ((ctx: Context) => AgentInput | Promise<AgentInput>),
    options?: CallOptions,
  ): (ctx: Context) => Promise<Output>;
}

// Agents on their own: `agent.run` and `agent.stream`, outside any pipeline.

/** A model-call event of a standalone call: a {@link ModelCallEvent} without a step (`at` and `startedAt` count from the call's start). */
export type AgentCallEvent = Omit<ModelCallEvent, "stepId">;

/**
 * Options of `agent.run(input, options)` and `agent.stream(input, options)`.
 *
 * The call's own options work as in `ctx.run`: `timeout` bounds each
 * attempt, `retries` (default 0) retries transient failures with back-off,
 * honouring `Retry-After`. The others stand in for what a pipeline run
 * would give the call.
 *
 * @typeParam Services - the services the agent's tools read
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const reply = await agent({ model: "gpt-4o-mini", maxTokens: 100 }).run("Hello", {
 *   retries: 2,
 *   timeout: "20 seconds",
 *   costBudget: 0.01,
 *   signal: controller.signal,
 * });
 * ```
 */
export interface AgentRunOptions<Services = {}> extends CallOptions {
  /**
   * The OpenAI client, used unless the agent has its own `client`. Without
   * either, one `new OpenAI()` per process, reading OPENAI_API_KEY and
   * OPENAI_BASE_URL (its own retries off).
   */
  readonly client?: OpenAI | undefined;
  /** Prices over the built-in table (the agent's own `pricing` wins for a model both name). */
  readonly pricing?: PriceTable | undefined;
  /**
   * A cost budget in USD for this call: every request (each turn and
   * attempt) reserves its worst case first and is refused with
   * `CostBudgetExceededError` (scope `"call"`) when it does not fit; spend
   * crossing it interrupts the call with the same error.
   */
  readonly costBudget?: number | undefined;
  /** Further budgets the call is charged to and interrupted by, such as one shared by many calls. */
  readonly budgets?: ReadonlyArray<BudgetScope> | undefined;
  /** Aborting it aborts the request in flight; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Paces the call's requests: requests per minute, or a {@link RateLimiter} shared with other calls and runs. */
  readonly rateLimit?: number | RateLimiter | undefined;
  /** The application services the agent's tools read from their context. */
  readonly services?: Services | undefined;
  /** The run id the agent's tools see (default: a new UUID per call). */
  readonly runId?: string | undefined;
  /** Receives each model request's event as it ends, with its tokens and cost. */
  readonly onEvent?: ((event: AgentCallEvent) => void) | undefined;
  /** Hooks around each of the call's model requests, before the agent's own (see `CallHooks`); `stepId` is `""` in what they see. */
  readonly hooks?: CallHooksOption | undefined;
}

/**
 * The options argument of `agent.run` and `agent.stream`: optional when the
 * agent's tools need no services, else required, with `services`.
 */
export type AgentRunArgs<Services> = [keyof Services] extends [never]
  ? [options?: AgentRunOptions<Services>]
  : [options_with_services: AgentRunOptions<Services> & { readonly services: Services }];
