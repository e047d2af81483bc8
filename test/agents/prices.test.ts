import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AgentConfigError, StepExecutionError, UnknownModelPriceError, agent, pipeline, tool, type PriceTable } from "../../src/index.js";
import { tokensOf } from "../../src/agents/internal/billing.js";
import { databaseRates, findRates, priceAt } from "../../src/agents/internal/price-database.js";
import { costNanoUsd, picoPerToken, ratesOf, worstCaseNanoUsd } from "../../src/agents/pricing.js";
import { addUsage, emptyUsage, noTokens, type Usage } from "../../src/runtime/usage.js";
import { calcPrice, findProvider } from "@pydantic/genai-prices";
import type { MockUsageSpec } from "../../src/testing/index.js";
import { useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

/** Runs one call of `model` (agent options `extra`) answered with `usage`, and returns the call's usage. */
const callWith = async (
  model: string,
  usage: MockUsageSpec | undefined,
  extra: { provider?: string; pricing?: PriceTable; pipelinePricing?: PriceTable; client?: OpenAI } = {},
): Promise<Usage> => {
  const ask = agent({ model, ...(extra.provider === undefined ? {} : { provider: extra.provider }), ...(extra.pricing === undefined ? {} : { pricing: extra.pricing }) });
  mock.server.script({ content: "ok", ...(usage === undefined ? {} : { usage }) });
  const p = pipeline("priced", { client: extra.client ?? mock.client, ...(extra.pipelinePricing === undefined ? {} : { pricing: extra.pipelinePricing }) }).step(
    "ask",
    async (ctx) => (await ctx.run(ask, "hello")).usage,
  );
  const result = await p.run(undefined);
  expect(result.usage.costNanoUsd).toBe(result.output.costNanoUsd);
  return result.output;
};

describe("exact conversion of published prices", () => {
  it("reads a price's decimal digits into whole pico-dollars per token, without float drift", () => {
    expect(picoPerToken(0.15)).toBe(150_000);
    expect(picoPerToken(2.19)).toBe(2_190_000);
    expect(picoPerToken(0.01875)).toBe(18_750);
    expect(picoPerToken(3625e-6)).toBe(3_625);
    expect(picoPerToken(1234.5)).toBe(1_234_500_000);
    expect(picoPerToken(0)).toBe(0);
    // Float noise in the data (0.18000000000000002, as it appears in the database) is not a price.
    expect(picoPerToken(0.1 + 0.08)).toBe(180_000);
    expect(0.00051 * 1e6).not.toBe(510); // the drift a multiplication carries
    expect(picoPerToken(0.00051)).toBe(510);
    // Finer than a pico-dollar per token: rounded up, never understated.
    expect(picoPerToken(1e-7)).toBe(1);
    expect(() => picoPerToken(-1)).toThrow(RangeError);
    expect(() => picoPerToken(Number.NaN)).toThrow(RangeError);
  });

  it("converts every token price of the main providers in the database exactly, or rounds a repeating decimal up by less than a pico-dollar", () => {
    const providers = ["anthropic", "openai", "google", "mistral", "deepseek", "groq", "together", "x-ai", "openrouter", "fireworks", "cerebras", "aws", "azure"];
    let prices = 0;
    const rounded: string[] = [];
    for (const id of providers) {
      const provider = findProvider({ providerId: id });
      expect(provider, id).toBeDefined();
      for (const model of provider!.models) {
        for (const price of Array.isArray(model.prices) ? model.prices.map((entry) => entry.prices) : [model.prices]) {
          for (const [key, value] of Object.entries(price)) {
            if (!key.endsWith("_mtok") || value === undefined) continue;
            for (const usd of typeof value === "number" ? [value] : [value.base, ...value.tiers.map((tier) => tier.price)]) {
              prices++;
              const pico = picoPerToken(usd);
              const exact = Number(usd.toPrecision(15)) * 1e6;
              if (Number.isInteger(Number(exact.toPrecision(15)))) expect(pico, `${id}/${model.id}/${key}`).toBe(Number(exact.toPrecision(15)));
              else {
                rounded.push(`${id}/${model.id}/${key}`);
                expect(pico - exact).toBeGreaterThan(0);
                expect(pico - exact).toBeLessThan(1);
              }
            }
          }
        }
      }
    }
    expect(prices).toBeGreaterThan(2000);
    // Only OpenRouter's Gemini cache writes (1/12 USD per million) have more than six decimals.
    expect(rounded.length).toBeLessThan(10);
  });

  it("prices each kind of token at its rate and rounds a call up to a whole nano-dollar once", () => {
    const rates = ratesOf({ input: 0.0375, cachedInput: 0.01, cacheWrite: 0.05, inputAudio: 0.2, output: 0.01875, outputAudio: 0.4 });
    // 3 text input tokens at 37.5 nano plus 1 output token at 18.75: 131.25 nano, billed 132.
    expect(costNanoUsd(rates, { ...noTokens, inputTokens: 3, outputTokens: 1 })).toBe(132);
    const tokens = { inputTokens: 100, cachedInputTokens: 10, cacheWriteInputTokens: 20, inputAudioTokens: 30, outputTokens: 50, reasoningTokens: 25, outputAudioTokens: 5 };
    // text 40 x 37.5 + cached 10 x 10 + written 20 x 50 + audio 30 x 200 + output 45 x 18.75 + audio 5 x 400
    expect(costNanoUsd(rates, tokens)).toBe(Math.ceil(40 * 37.5 + 10 * 10 + 20 * 50 + 30 * 200 + 45 * 18.75 + 5 * 400));
    // Reasoning tokens are output tokens: they change nothing on their own.
    expect(costNanoUsd(rates, { ...tokens, reasoningTokens: 0 })).toBe(costNanoUsd(rates, tokens));
  });

  it("sums 100,000 calls of a fractional price exactly", () => {
    const rates = ratesOf({ input: 0.0375, output: 0.01875 });
    let total = 0;
    for (let call = 0; call < 100_000; call++) total += costNanoUsd(rates, { ...noTokens, inputTokens: 4, outputTokens: 4 });
    // 4 x 37.5 + 4 x 18.75 = 225 nano exactly, every call.
    expect(total).toBe(22_500_000);
  });

  it("is exact past 2^53 pico-dollars", () => {
    const rates = ratesOf({ input: 150, output: 600 });
    // 10M input tokens at 150 USD/M is 1,500 USD; with 10M output at 600 USD/M, 7,500 USD: 7.5e15 pico... and 2e7 more tokens.
    expect(costNanoUsd(rates, { ...noTokens, inputTokens: 30_000_001, outputTokens: 10_000_003 })).toBe(30_000_001 * 150_000 + 10_000_003 * 600_000);
  });

  it("reserves a request's prompt at its dearest input rate (a cache write costs more than plain input)", () => {
    const rates = ratesOf({ input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 });
    expect(worstCaseNanoUsd(rates, 1000, 100)).toBe(1000 * 3750 + 100 * 15_000);
  });
});

describe("the built-in price database (@pydantic/genai-prices)", () => {
  it("prices a Claude model through an OpenAI-compatible proxy, cache writes and reads included (LiteLLM-style fields)", async () => {
    // claude-3-5-sonnet: 3 USD/M input, 3.75 cache write, 0.3 cache read, 15 output.
    const usage = await callWith("claude-3-5-sonnet-latest", {
      inputTokens: 1000,
      cachedInputTokens: 200,
      cacheWriteInputTokens: 600,
      outputTokens: 100,
      reasoningTokens: 40,
      style: "anthropic",
    });
    expect(usage).toMatchObject({ inputTokens: 1000, cachedInputTokens: 200, cacheWriteInputTokens: 600, outputTokens: 100, reasoningTokens: 40 });
    expect(usage.costNanoUsd).toBe(200 * 3000 + 200 * 300 + 600 * 3750 + 100 * 15_000);
  });

  it("reads cache writes from prompt_tokens_details too (OpenRouter-style fields)", async () => {
    const usage = await callWith("claude-3-5-haiku-latest", { inputTokens: 1000, cachedInputTokens: 100, cacheWriteInputTokens: 500, outputTokens: 10 });
    // claude-3-5-haiku-latest: 0.8 input, 1 cache write, 0.08 cache read, 4 output.
    expect(usage.cacheWriteInputTokens).toBe(500);
    expect(usage.costNanoUsd).toBe(400 * 800 + 100 * 80 + 500 * 1000 + 10 * 4000);
  });

  it("prices Mistral and DeepSeek models found by their ids, and Gemini's audio input at its own rate", async () => {
    expect((await callWith("mistral-large-latest", { inputTokens: 1000, outputTokens: 100 })).costNanoUsd).toBe(1000 * 2000 + 100 * 6000);
    // gemini-2.0-flash: 0.1 input, 0.025 cache read, 0.7 audio input, 0.4 output.
    const gemini = await callWith("gemini-2.0-flash", { inputTokens: 1000, cachedInputTokens: 100, inputAudioTokens: 300, outputTokens: 50 });
    expect(gemini.inputAudioTokens).toBe(300);
    expect(gemini.costNanoUsd).toBe(600 * 100 + 100 * 25 + 300 * 700 + 50 * 400);
    const deepseek = await callWith("deepseek-chat", { inputTokens: 1000, outputTokens: 100 });
    // DeepSeek's price depends on the time of day: the one in force when the request was sent.
    const price = calcPrice({}, "deepseek-chat")!.model_price;
    expect([1000 * 270 + 100 * 1100, 1000 * 135 + 100 * 550]).toContain(deepseek.costNanoUsd);
    expect(price.input_mtok).toBeDefined();
  });

  it("applies a long-context tier to every token of a prompt past its start", async () => {
    // gemini-2.5-pro: 1.25 / 10 up to 200k prompt tokens, 2.5 / 15 above.
    expect((await callWith("gemini-2.5-pro", { inputTokens: 100_000, outputTokens: 1000 })).costNanoUsd).toBe(100_000 * 1250 + 1000 * 10_000);
    expect((await callWith("gemini-2.5-pro", { inputTokens: 250_000, outputTokens: 1000 })).costNanoUsd).toBe(250_000 * 2500 + 1000 * 15_000);
  });

  it("keeps OpenAI's prices as before (gpt-4o-mini and a dated snapshot)", async () => {
    expect((await callWith("gpt-4o-mini", { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 10 })).costNanoUsd).toBe(600 * 150 + 400 * 75 + 10 * 600);
    expect((await callWith("gpt-4o-mini-2024-07-18", { inputTokens: 10, outputTokens: 10 })).costNanoUsd).toBe(10 * 150 + 10 * 600);
  });

  it("finds a Llama model's provider from the agent's provider option", async () => {
    // Groq's llama-3.3-70b-versatile: 0.59 input, 0.79 output.
    expect((await callWith("llama-3.3-70b-versatile", { inputTokens: 1000, outputTokens: 100 }, { provider: "groq" })).costNanoUsd).toBe(1000 * 590 + 100 * 790);
    // The same id on Cerebras is another price: llama-3.3-70b at 0.85 / 1.2.
    expect((await callWith("llama-3.3-70b", { inputTokens: 1000, outputTokens: 100 }, { provider: "cerebras" })).costNanoUsd).toBe(1000 * 850 + 100 * 1200);
    // Without it, the id names no provider: unknown.
    expect((await callWith("llama-3.3-70b-versatile", { inputTokens: 1000, outputTokens: 100 })).costNanoUsd).toBeNull();
  });

  it("finds the provider from the client's baseURL when it is a known API's", async () => {
    // A client for Groq's API whose requests are served by the local server.
    const local = new URL(mock.server.url);
    const client = new OpenAI({
      baseURL: "https://api.groq.com/openai/v1",
      apiKey: "test-key",
      maxRetries: 0,
      fetch: (url, init) => fetch(String(url).replace("https://api.groq.com/openai/v1", `${local.origin}${local.pathname}`), init),
    });
    expect((await callWith("llama-3.3-70b-versatile", { inputTokens: 1000, outputTokens: 100 }, { client })).costNanoUsd).toBe(1000 * 590 + 100 * 790);
    // Groq does not serve OpenAI's gpt-4o-mini: through its endpoint, no OpenAI price applies.
    expect((await callWith("gpt-4o-mini", { inputTokens: 1000, outputTokens: 100 }, { client })).costNanoUsd).toBeNull();
  });

  it("lets pricing win over the database: the agent's over the pipeline's, the pipeline's over the built-in", async () => {
    const own = { "claude-3-5-sonnet-latest": { input: 1, output: 2 } };
    const usage = { inputTokens: 1000, cacheWriteInputTokens: 500, outputTokens: 100 };
    // No cache-write price in the table: cache writes are plain input.
    expect((await callWith("claude-3-5-sonnet-latest", usage, { pipelinePricing: own })).costNanoUsd).toBe(1000 * 1000 + 100 * 2000);
    const agentOwn = { "claude-3-5-sonnet-latest": { input: 1, cacheWrite: 4, output: 2 } };
    expect((await callWith("claude-3-5-sonnet-latest", usage, { pipelinePricing: own, pricing: agentOwn })).costNanoUsd).toBe(500 * 1000 + 500 * 4000 + 100 * 2000);
    // An override for a model the database does not have prices it.
    expect((await callWith("my-fine-tune", { inputTokens: 10, outputTokens: 10 }, { pricing: { "my-fine-tune": { input: 0.3, output: 1.2 } } })).costNanoUsd).toBe(10 * 300 + 10 * 1200);
  });

  it("reports a model it cannot price as unknown (null), and refuses it under a budget with what to do", async () => {
    const usage = await callWith("my-local-model", { inputTokens: 10, outputTokens: 10 });
    expect(usage).toMatchObject({ inputTokens: 10, outputTokens: 10, costNanoUsd: null, costUsd: null, calls: 1 });
    const local = agent({ model: "my-local-model" });
    const p = pipeline("budgeted", { client: mock.client, costBudget: 1 }).step("ask", async (ctx) => (await ctx.run(local, "hello")).text);
    const error = await rejection(p.run(undefined));
    expect(error).toBeInstanceOf(StepExecutionError);
    const cause = (error as StepExecutionError).cause;
    expect(cause).toBeInstanceOf(UnknownModelPriceError);
    expect((cause as Error).message).toContain('No price is known for model "my-local-model"');
    expect((cause as Error).message).toContain('provider: "groq"');
    expect(mock.server.requests).toHaveLength(1); // only the unbudgeted call was sent
  });

  it("refuses an unknown provider id at the first request, and a provider that is not a string at once", async () => {
    const typo = agent({ model: "llama-3.3-70b-versatile", provider: "grok-cloud" });
    const p = pipeline("typo", { client: mock.client }).step("ask", async (ctx) => (await ctx.run(typo, "hello")).text);
    const error = await rejection(p.run(undefined));
    const cause = (error as StepExecutionError).cause;
    expect(cause).toBeInstanceOf(AgentConfigError);
    expect((cause as Error).message).toContain('provider "grok-cloud" is not a provider');
    expect(mock.server.requests).toHaveLength(0);
    expect(() => agent({ model: "x", provider: "" })).toThrow(AgentConfigError);
  });

  it("chooses a price by the time of day it was sent (DeepSeek's off-peak hours)", () => {
    const model = calcPrice({}, "deepseek-chat")!.model;
    const peak = databaseRates(priceAt(model, new Date("2026-06-01T12:00:00Z")))!;
    const offPeak = databaseRates(priceAt(model, new Date("2026-06-01T20:00:00Z")))!;
    const justAfter = databaseRates(priceAt(model, new Date("2026-06-01T00:30:00Z")))!;
    expect(peak.input.pico).toBe(270_000);
    expect(offPeak.input.pico).toBe(135_000);
    expect(justAfter.input.pico).toBe(270_000);
  });

  it("finds prices from the installed package alone, and caches what it found", async () => {
    const hint = { provider: undefined, baseURL: undefined };
    const first = await findRates("claude-3-5-sonnet-latest", [], hint, Date.now());
    expect(first?.cacheWrite.pico).toBe(3_750_000);
    expect(await findRates("claude-3-5-sonnet-latest", [], hint, Date.now())).toBe(first);
    expect(await findRates("no-such-model", [], hint, Date.now())).toBeUndefined();
  });
});

describe("usage counts", () => {
  it("reads every count of OpenAI's usage and of Anthropic-style proxies", () => {
    expect(
      tokensOf({
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 10, audio_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 30, audio_tokens: 5 },
      }),
    ).toEqual({ inputTokens: 100, cachedInputTokens: 10, cacheWriteInputTokens: 0, inputAudioTokens: 20, outputTokens: 50, reasoningTokens: 30, outputAudioTokens: 5 });
    const litellm = { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, cache_creation_input_tokens: 60, cache_read_input_tokens: 30 };
    expect(tokensOf(litellm)).toMatchObject({ cachedInputTokens: 30, cacheWriteInputTokens: 60 });
    // A proxy that sends both fields, one of them 0: the count it reported.
    expect(tokensOf({ ...litellm, prompt_tokens_details: { cached_tokens: 0 } })).toMatchObject({ cachedInputTokens: 30, cacheWriteInputTokens: 60 });
    const openrouter = { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 60 } };
    expect(tokensOf(openrouter)).toMatchObject({ cachedInputTokens: 30, cacheWriteInputTokens: 60 });
    expect(tokensOf(undefined)).toEqual(noTokens);
  });

  it("counts reasoning and audio tokens and the tool calls the model asked for, per call, step and run", async () => {
    const lookup = agent({
      model: "gpt-4o-mini",
      tools: {
        weather: tool({ description: "Weather", parameters: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` }),
      },
    });
    mock.server.script(
      {
        toolCalls: [
          { name: "weather", arguments: { city: "Oslo" } },
          { name: "weather", arguments: { city: "Rome" } },
        ],
        usage: { inputTokens: 50, outputTokens: 20, reasoningTokens: 12 },
      },
      { content: "Sunny in both.", usage: { inputTokens: 80, outputTokens: 30, inputAudioTokens: 8, outputAudioTokens: 6 } },
    );
    const p = pipeline("tools", { client: mock.client }).step("ask", async (ctx) => (await ctx.run(lookup, "Weather in Oslo and Rome?")).usage);
    const result = await p.run(undefined);
    const counts = { calls: 2, toolCalls: 2, reasoningTokens: 12, inputAudioTokens: 8, outputAudioTokens: 6, inputTokens: 130, outputTokens: 50 };
    expect(result.output).toMatchObject(counts);
    expect(result.usage).toMatchObject(counts);
    expect(result.usage.byStep.ask).toMatchObject(counts);
    expect(result.usage.byModel["gpt-4o-mini"]).toMatchObject(counts);
    // gpt-4o-mini has no audio prices in the database: audio is priced as text.
    expect(result.usage.costNanoUsd).toBe(130 * 150 + 50 * 600);
  });

  it("sums usage journalled before the new counts existed as if they were 0", () => {
    const old = { inputTokens: 1, cachedInputTokens: 0, outputTokens: 2, costNanoUsd: 3, costUsd: 3e-9, calls: 1, abandonedCalls: 0, abandonedReservedNanoUsd: 0 } as unknown as Usage;
    const sum = addUsage(addUsage(emptyUsage, old), { ...emptyUsage, toolCalls: 2, reasoningTokens: 5 });
    expect(sum).toMatchObject({ inputTokens: 1, outputTokens: 2, toolCalls: 2, reasoningTokens: 5, cacheWriteInputTokens: 0, inputAudioTokens: 0, outputAudioTokens: 0 });
  });
});
