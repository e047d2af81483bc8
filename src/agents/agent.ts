/**
 * Agents: a model, a system prompt, an optional output schema and tools.
 * Steps call them with `ctx.run(agent, message)` or make a one-call step
 * with `agent.asStep(...)`.
 */
import { stepFacts, type StepFacts } from "../graph/facts.js";
import { checkHooks } from "../runtime/hooks.js";
import { modelCalls, type ModelCaller, type ModelCallHost } from "../runtime/host.js";
import { AgentConfigError } from "./errors.js";
import { completeAgent } from "./internal/complete.js";
import { streamAgent } from "./internal/stream.js";
import { runStandalone, streamStandalone } from "./internal/standalone.js";
import type { ToolServices } from "./services.js";
import type { ToolSet, ZodSchema } from "./tool.js";
import type { Agent, AgentCaller, AgentConfig, AgentInput, AgentOutput, AgentRunOptions, CallOptions } from "./types.js";

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
 * Throws unless `schema` is a zod 4 schema. A zod 3 schema (from zod 3, or
 * `zod/v3`) has `_def` but no `_zod`, and would otherwise fail much later with
 * a misleading "cannot be expressed as JSON Schema" error at the first call.
 */
const requireZod4 = (schema: unknown, what: string): void => {
  if (typeof schema === "object" && schema !== null && "_zod" in schema) return;
  const looksLikeZod3 = typeof schema === "object" && schema !== null && "_def" in schema;
  const found = looksLikeZod3 ? "a zod 3 schema" : schema === null ? "null" : typeof schema === "object" ? "an object that is not a zod schema" : `a ${typeof schema}`;
  throw new AgentConfigError({
    problem:
      `${what} must be a zod 4 schema, but it is ${found}. stepgraph needs zod 4 (the peer dependency zod@^4.0.0): ` +
      `run \`npm install zod@^4\` and build schemas with \`import { z } from "zod"\` (not "zod/v3"; ` +
      `zod 3.25's "zod/v4" is not enough, because stepgraph itself imports "zod").`,
  });
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
 * // on its own: const { output, usage } = await extractor.run("Extract: Apple announced the M5");
 * ```
 *
 * Its tools' services (see `tool.withServices`) become the agent's: a step
 * calling it must be in a pipeline that declares them, and `agent.run` must
 * be given them.
 */
export function agent<OutputSchema extends ZodSchema | undefined = undefined, Tools extends ToolSet = {}>(
  config: AgentConfig<OutputSchema, Tools>,
): Agent<AgentOutput<OutputSchema>, ToolServices<Tools>> {
  const model = modelId(config.model);
  if (config.maxTurns !== undefined && (!Number.isInteger(config.maxTurns) || config.maxTurns < 1)) {
    throw new AgentConfigError({ problem: `Agent "${model}": maxTurns must be a whole number of at least 1.` });
  }
  if (config.maxTokens !== undefined && (!Number.isInteger(config.maxTokens) || config.maxTokens < 1)) {
    throw new AgentConfigError({ problem: `Agent "${model}": maxTokens must be a whole number of at least 1.` });
  }
  if (config.provider !== undefined && (typeof config.provider !== "string" || config.provider.trim().length === 0)) {
    throw new AgentConfigError({ problem: `Agent "${model}": provider must be a provider id of @pydantic/genai-prices, such as "groq".` });
  }
  if (config.output !== undefined) requireZod4(config.output, `Agent "${model}": output`);
  try {
    checkHooks(config.hooks, `Agent "${model}"`);
  } catch (error) {
    throw new AgentConfigError({ problem: (error as Error).message });
  }
  if (config.tools !== undefined) {
    for (const [name, definition] of Object.entries(config.tools)) {
      requireZod4((definition as { parameters?: unknown } | undefined)?.parameters, `Agent "${model}": the parameters of tool "${name}"`);
    }
  }
  type Output = AgentOutput<OutputSchema>;
  const self: Agent<Output> & ModelCaller = {
    model,
    config: config as AgentConfig<ZodSchema | undefined>,
    [modelCalls]: {
      complete: (host: ModelCallHost, input: unknown, options: unknown) => completeAgent(self, host, input as AgentInput, options as CallOptions),
      stream: (host: ModelCallHost, input: unknown, options: unknown) => streamAgent(self, host, input as AgentInput, options as CallOptions),
    },
    run: (input: AgentInput, options?: AgentRunOptions<unknown>) => runStandalone(self, input, options),
    stream: (input: AgentInput, options?: AgentRunOptions<unknown>) => streamStandalone(self, input, options),
    asStep(message, options) {
      const messageOf = typeof message === "function" ? message : () => message;
      const run = async (ctx: AgentCaller<unknown>) => (await ctx.run(self, await messageOf(ctx as never), options)).output;
      const facts: StepFacts = { kind: "agent", model };
      return Object.assign(run, { [stepFacts]: facts });
    },
  };
  return self as unknown as Agent<Output, ToolServices<Tools>>;
}
