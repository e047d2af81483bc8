/**
 * Models of other providers, through one OpenAI-compatible endpoint (a
 * gateway such as LiteLLM or OpenRouter, or here the local server): each is
 * priced from the multi-provider database of @pydantic/genai-prices, found by
 * its model id (Claude, DeepSeek) or by the agent's `provider` (a Llama
 * model served by Groq, whose id alone names no provider).
 */
import { agent, pipeline, type RunUsage } from "../src/index.js";
import type { MockOpenAIOptions } from "../src/testing/index.js";

const system = "Answer in one sentence.";

export const claude = agent({ model: "claude-3-5-sonnet-latest", system, maxTokens: 100 });
export const deepseek = agent({ model: "deepseek-chat", system, maxTokens: 100 });
export const llama = agent({ model: "llama-3.3-70b-versatile", provider: "groq", system, maxTokens: 100 });

/** The same question to three providers' models, in parallel. */
export const providers = pipeline<{ question: string }>("providers")
  .step("claude", claude.asStep((ctx) => ctx.input.question))
  .step("deepseek", deepseek.asStep((ctx) => ctx.input.question))
  .step("llama", llama.asStep((ctx) => ctx.input.question));

/**
 * The local server's answers for these models. Claude's reports a prompt
 * cache write the way proxies of Anthropic's API do
 * (`cache_creation_input_tokens`), priced at Claude's cache-write rate.
 */
export const providerAnswers: MockOpenAIOptions["routes"] = [
  {
    model: "claude-3-5-sonnet-latest",
    respond: { content: "Integer nano-dollars never drift.", usage: { inputTokens: 1200, cacheWriteInputTokens: 1024, outputTokens: 24, style: "anthropic" } },
  },
  { model: "deepseek-chat", respond: { content: "Sums of integers stay exact.", usage: { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 20 } } },
  { model: "llama-3.3-70b-versatile", respond: { content: "Floats round; integers do not.", usage: { inputTokens: 1200, outputTokens: 22 } } },
];

/** A table of tokens and cost per model. */
export const modelTable = (usage: RunUsage): string => {
  const money = (usd: number | null) => (usd === null ? "unknown" : `$${usd.toFixed(6)}`);
  const rows = Object.entries(usage.byModel).map(
    ([model, modelUsage]) =>
      `${model.padEnd(26)} ${String(modelUsage.inputTokens).padStart(6)} ${String(modelUsage.cachedInputTokens).padStart(7)} ${String(modelUsage.cacheWriteInputTokens).padStart(7)} ${String(modelUsage.outputTokens).padStart(7)}  ${money(modelUsage.costUsd)}`,
  );
  return [`${"model".padEnd(26)}  input  cached written  output  cost`, ...rows].join("\n");
};
