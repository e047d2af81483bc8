/**
 * Model prices and exact integer cost. Prices are USD per million tokens, as
 * providers publish them; costs are whole nano-dollars per call.
 */
import type { ModelPrice, PriceTable } from "../runtime/prices.js";

/**
 * List prices of common OpenAI models (USD per million tokens; standard tier,
 * as published by OpenAI). Override or extend with `pricing` on an agent or a
 * pipeline.
 */
export const defaultPrices: PriceTable = {
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "o3": { input: 2, cachedInput: 0.5, output: 8 },
  "o3-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "o1": { input: 15, cachedInput: 7.5, output: 60 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
};

/**
 * Finds a model's price: an exact id first, then the longest id that the
 * model's id extends with `-` (a dated snapshot). Tables later in the list win.
 */
export const findPrice = (model: string, tables: ReadonlyArray<PriceTable | undefined>): ModelPrice | undefined => {
  for (let index = tables.length - 1; index >= 0; index--) {
    const table = tables[index];
    if (table === undefined) continue;
    const exact = table[model];
    if (exact !== undefined) return exact;
    let best: string | undefined;
    for (const id of Object.keys(table)) {
      if (model.startsWith(`${id}-`) && (best === undefined || id.length > best.length)) best = id;
    }
    if (best !== undefined) return table[best];
  }
  return undefined;
};

/** USD per million tokens as pico-dollars per token: an integer for prices with up to 6 decimals. */
const picoPerToken = (usdPerMillion: number): number => Math.round(usdPerMillion * 1e6);

/** Token counts of one call. */
export interface TokenCounts {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
}

/**
 * The exact cost of one call in nano-dollars: integer pico-dollar products,
 * rounded up to whole nano-dollars once per call, so sums never drift.
 */
export const costNanoUsd = (price: ModelPrice, tokens: TokenCounts): number => {
  const uncached = Math.max(0, tokens.inputTokens - tokens.cachedInputTokens);
  const cached = Math.min(tokens.cachedInputTokens, tokens.inputTokens);
  const pico =
    uncached * picoPerToken(price.input) +
    cached * picoPerToken(price.cachedInput ?? price.input) +
    tokens.outputTokens * picoPerToken(price.output);
  return Math.ceil(pico / 1000);
};
