/**
 * Agents: a model, a system prompt, an optional output schema and tools.
 * Steps call them with `ctx.run(agent, message)` or make a one-call step
 * with `agent.asStep(...)`.
 */
import type OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { z } from "zod";
import { stepFacts, type StepFacts } from "../graph/facts.js";
import type { DurationInput } from "../runtime/config.js";
import type { Usage } from "../runtime/usage.js";
import { AgentConfigError } from "./errors.js";
import type { PriceTable } from "./pricing.js";
import type { ToolSet } from "./tool.js";

/** What an agent is sent: a user message, or a full list of chat messages. */
export type AgentInput = string | ReadonlyArray<ChatCompletionMessageParam>;

/** How an agent is set up. */
export interface AgentConfig<OutputSchema extends z.ZodType | undefined = undefined> {
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

/** The output type of an agent with output schema `OutputSchema`. */
export type AgentOutput<OutputSchema> = OutputSchema extends z.ZodType ? z.output<OutputSchema> : string;

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
  readonly config: AgentConfig<z.ZodType | undefined>;
  /** Phantom: the output type. */
  readonly "~output"?: Output;
  /**
   * A one-call step: builds the message from the step's context (typed by the
   * surrounding `.step`) and returns the agent's output.
   *
   * @example
   * ```ts
   * .step("summary", { after: ["extract"] }, summarizer.asStep((ctx) => `Summarize: ${ctx.dep("extract")}`))
   * ```
   */
  asStep<Context extends AgentCaller>(
    message: (ctx: Context) => AgentInput | Promise<AgentInput>,
    options?: CallOptions,
  ): (ctx: Context) => Promise<Output>;
}

const modelId = (model: string): string => {
  if (typeof model !== "string" || model.length === 0) {
    throw new AgentConfigError({ problem: 'An agent needs a model, e.g. agent({ model: "gpt-4o-mini" }).' });
  }
  const match = /^([a-z0-9_-]+):(.+)$/i.exec(model);
  if (match === null) return model;
  if (match[1]!.toLowerCase() !== "openai") {
    throw new AgentConfigError({
      problem: `Model "${model}": only the "openai:" prefix is known. For another OpenAI-compatible provider, give its model id without a prefix and pass a client with its baseURL.`,
    });
  }
  return match[2]!;
};

/**
 * Defines an agent.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const extractor = agent({
 *   model: "openai:gpt-4o-mini",
 *   system: "Extract key entities from text.",
 *   output: z.object({ entities: z.array(z.string()) }),
 *   maxTokens: 200,
 * });
 * // in a step: const { output, usage } = await ctx.run(extractor, `Extract: ${ctx.input.document}`);
 * ```
 */
export function agent<OutputSchema extends z.ZodType | undefined = undefined>(
  config: AgentConfig<OutputSchema>,
): Agent<AgentOutput<OutputSchema>> {
  const model = modelId(config.model);
  if (config.maxTurns !== undefined && (!Number.isInteger(config.maxTurns) || config.maxTurns < 1)) {
    throw new AgentConfigError({ problem: `Agent "${model}": maxTurns must be a whole number of at least 1.` });
  }
  if (config.maxTokens !== undefined && (!Number.isInteger(config.maxTokens) || config.maxTokens < 1)) {
    throw new AgentConfigError({ problem: `Agent "${model}": maxTokens must be a whole number of at least 1.` });
  }
  const self: Agent<AgentOutput<OutputSchema>> = {
    model,
    config,
    asStep(message, options) {
      const run = async (ctx: AgentCaller) => (await ctx.run(self, await message(ctx as never), options)).output;
      const facts: StepFacts = { kind: "agent", model };
      return Object.assign(run, { [stepFacts]: facts });
    },
  };
  return self;
}
