/**
 * Builds the chat-completions request for an agent call: messages, the JSON
 * schema response format, and tool definitions, all from zod schemas.
 */
import OpenAI from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { z } from "zod";
import type { CallSite, ModelCallHost } from "../../runtime/host.js";
import type { ZodSchema } from "../tool.js";
import type { Agent, AgentInput, CallOptions } from "../types.js";
import { AgentConfigError } from "../errors.js";
import { RequestBilling } from "./billing.js";

/** The request fields that stay the same across turns. */
export type RequestBase = Omit<ChatCompletionCreateParamsNonStreaming, "messages">;

const jsonSchemaOf = (schema: ZodSchema, what: string): Record<string, unknown> => {
  try {
    const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
    return jsonSchema;
  } catch (error) {
    throw new AgentConfigError({
      problem: `${what} cannot be expressed as JSON Schema (${error instanceof Error ? error.message : String(error)}). Use plain zod objects, arrays, strings, numbers, booleans and enums.`,
    });
  }
};

/** The first messages of a call: the system prompt and the input. */
export const initialMessages = (agent: Agent<unknown>, input: AgentInput): ChatCompletionMessageParam[] => {
  const messages: ChatCompletionMessageParam[] = [];
  if (agent.config.system !== undefined) messages.push({ role: "system", content: agent.config.system });
  if (typeof input === "string") messages.push({ role: "user", content: input });
  else messages.push(...input);
  return messages;
};

/** Model, limits, response format and tools for every request of a call. */
export const requestBase = (agent: Agent<unknown>, options: CallOptions): RequestBase => {
  const base: { -readonly [K in keyof RequestBase]: RequestBase[K] } = { model: agent.model };
  const maxTokens = options.maxTokens ?? agent.config.maxTokens;
  const temperature = options.temperature ?? agent.config.temperature;
  if (maxTokens !== undefined) base.max_completion_tokens = maxTokens;
  if (temperature !== undefined) base.temperature = temperature;
  const output = agent.config.output;
  if (output !== undefined) {
    base.response_format = {
      type: "json_schema",
      json_schema: { name: "output", schema: jsonSchemaOf(output, `Agent "${agent.model}" output schema`) },
    };
  }
  const tools = agent.config.tools;
  if (tools !== undefined && Object.keys(tools).length > 0) {
    base.tools = Object.entries(tools).map(
      ([name, definition]): ChatCompletionTool => ({
        type: "function",
        function: {
          name,
          description: definition.description,
          parameters: jsonSchemaOf(definition.parameters, `Tool "${name}" parameters`),
        },
      }),
    );
  }
  return base;
};

/** The texts a request's input tokens come from, for the budget estimate: message contents, tools and response format. */
export const requestTexts = (base: RequestBase, messages: ReadonlyArray<ChatCompletionMessageParam>): string[] => {
  const texts = messages.map((message) =>
    typeof message.content === "string" ? message.content : JSON.stringify(message.content ?? ""),
  );
  for (const message of messages) {
    if (message.role === "assistant" && message.tool_calls !== undefined) texts.push(JSON.stringify(message.tool_calls));
  }
  if (base.tools !== undefined) texts.push(JSON.stringify(base.tools));
  if (base.response_format !== undefined) texts.push(JSON.stringify(base.response_format));
  return texts;
};

let defaultClient: OpenAI | undefined;

/** Where a client can be given, by where the call is made: the hint of the error for a missing one. */
const clientHint: Record<CallSite, string> = {
  step: "pass `client` to the agent or the pipeline",
  router: "pass `client` to the router (or to its agent, or to the run)",
  standalone: "pass `client` to the agent or to agent.run / agent.stream",
};

/**
 * The client for a call: the agent's, else the pipeline's, else one
 * `new OpenAI()` per process reading OPENAI_API_KEY / OPENAI_BASE_URL. Retries
 * and timeouts are turned off per request, so the pipeline's policy is the only one.
 */
export const clientFor = (agent: Agent<unknown>, pipelineClient: unknown, callSite: CallSite = "step"): OpenAI => {
  if (agent.config.client !== undefined) return agent.config.client;
  if (pipelineClient !== undefined) return pipelineClient as OpenAI;
  if (defaultClient === undefined) {
    try {
      defaultClient = new OpenAI({ maxRetries: 0 });
    } catch (error) {
      throw new AgentConfigError({
        problem: `No OpenAI client could be made (${error instanceof Error ? error.message : String(error)}). Set OPENAI_API_KEY, or ${clientHint[callSite]}.`,
      });
    }
  }
  return defaultClient;
};

/** The `baseURL` of the call's client, which may say whose prices apply; undefined when there is no client yet (the request then fails on its own). */
const baseURLOf = (agent: Agent<unknown>, host: ModelCallHost): string | undefined => {
  try {
    return clientFor(agent, host.client).baseURL;
  } catch {
    return undefined;
  }
};

/** Per-request options: the step's signal, no SDK retries, and no SDK deadline (the pipeline owns deadlines). */
export const requestOptions = (signal: AbortSignal) => ({ signal, maxRetries: 0, timeout: 24 * 60 * 60 * 1000 });

/**
 * Everything before one request is sent: waits for the rate limit (before
 * reserving, so a queued request holds no budget), then opens its billing,
 * which reserves the request's worst case in every budget or refuses it.
 * The call's `beforeCall` hooks run after this (agents/internal/hooks.ts).
 */
export const beginRequest = async (
  agent: Agent<unknown>,
  host: ModelCallHost,
  base: RequestBase,
  messages: ReadonlyArray<ChatCompletionMessageParam>,
  stream: boolean,
  hooked = false,
): Promise<RequestBilling> => {
  const slot = host.pace();
  if (slot !== undefined) await slot;
  const maxTokens = base.max_completion_tokens ?? undefined;
  return RequestBilling.open(
    host,
    agent.model,
    { tables: [host.pricing, agent.config.pricing], provider: agent.config.provider, baseURL: baseURLOf(agent, host) },
    requestTexts(base, messages),
    messages.length,
    maxTokens,
    // Copied: the tool loop appends to `messages` after this request.
    host.traced ? { maxTokens, temperature: base.temperature ?? undefined, stream, messages: host.captureContent ? [...messages] : [] } : undefined,
    // The hooks are shown the prompt's estimate even without a budget.
    hooked,
  );
};
