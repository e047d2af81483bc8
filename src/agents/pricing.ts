/**
 * Model prices and exact integer cost. Prices are USD per million tokens, as
 * providers publish them; costs are whole nano-dollars per call.
 *
 * A price is turned once into {@link Rates}: integer pico-dollars per token
 * for each kind of token, read from the price's decimal digits (never by
 * float multiplication), so that a call's cost is a sum of integer products,
 * rounded up to a whole nano-dollar once per call.
 */
import type { ModelPrice, PriceTable } from "../runtime/prices.js";
import type { TokenCounts } from "../runtime/usage.js";

/**
 * List prices of common OpenAI models (USD per million tokens; standard tier,
 * as published by OpenAI). Prices normally come from the multi-provider
 * database of `@pydantic/genai-prices`; this table is used only where that
 * package cannot be loaded (a CommonJS bundle deployed without
 * node_modules). Override or extend any price with `pricing` on an agent or
 * a pipeline.
 *
 * @example
 * ```ts
 * import { defaultPrices } from "stepgraph";
 *
 * const { input, output } = defaultPrices["gpt-4o-mini"]!; // 0.15 and 0.6 USD per million tokens
 * ```
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

/**
 * USD per million tokens as whole pico-dollars per token, exactly: the
 * number's decimal digits (to 15 significant digits, which drops float noise
 * such as 0.18000000000000002 and keeps any price as published) shifted by
 * six places. A price finer than a pico-dollar per token (more than six
 * decimals) is rounded up, so a cost is never understated.
 */
export const picoPerToken = (usdPerMillion: number): number => {
  if (typeof usdPerMillion !== "number" || !Number.isFinite(usdPerMillion) || usdPerMillion < 0) {
    throw new RangeError(`A price must be a finite number of USD per million tokens, at least 0; got ${String(usdPerMillion)}.`);
  }
  const [mantissa = "0", exponent = "0"] = usdPerMillion.toPrecision(15).split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + 6;
  if (shift >= 0) return Number(digits * 10n ** BigInt(shift));
  const divisor = 10n ** BigInt(-shift);
  return Number(digits / divisor + (digits % divisor === 0n ? 0n : 1n));
};

/** One kind of token's price in pico-dollars per token; `tiers` (ascending) replace it when the prompt has more than `start` tokens. */
export interface Rate {
  readonly pico: number;
  readonly tiers?: ReadonlyArray<{ readonly start: number; readonly pico: number }> | undefined;
}

/** A model's price for every kind of token, as exact integers. */
export interface Rates {
  readonly input: Rate;
  readonly cachedInput: Rate;
  readonly cacheWrite: Rate;
  readonly inputAudio: Rate;
  readonly output: Rate;
  readonly outputAudio: Rate;
}

const flat = (usdPerMillion: number): Rate => ({ pico: picoPerToken(usdPerMillion) });

const converted = new WeakMap<ModelPrice, Rates>();

/** A price table's entry as rates (converted once per entry). */
export const ratesOf = (price: ModelPrice): Rates => {
  let rates = converted.get(price);
  if (rates === undefined) {
    const input = flat(price.input);
    const output = flat(price.output);
    rates = {
      input,
      cachedInput: price.cachedInput === undefined ? input : flat(price.cachedInput),
      cacheWrite: price.cacheWrite === undefined ? input : flat(price.cacheWrite),
      inputAudio: price.inputAudio === undefined ? input : flat(price.inputAudio),
      output,
      outputAudio: price.outputAudio === undefined ? output : flat(price.outputAudio),
    };
    converted.set(price, rates);
  }
  return rates;
};

/** The rate for a prompt of `inputTokens` tokens (a tier applies above its start, as the providers bill long contexts). */
const picoAt = (rate: Rate, inputTokens: number): number => {
  let pico = rate.pico;
  if (rate.tiers !== undefined) for (const tier of rate.tiers) if (inputTokens > tier.start) pico = tier.pico;
  return pico;
};

/** Pico-dollars to whole nano-dollars, rounded up, in integer arithmetic. */
const picoToNano = (pico: number | bigint): number => {
  if (typeof pico === "bigint") return Number(pico / 1000n + (pico % 1000n === 0n ? 0n : 1n));
  const rest = pico % 1000;
  return (pico - rest) / 1000 + (rest > 0 ? 1 : 0);
};

/**
 * The exact cost of one call in nano-dollars. The prompt's tokens are split
 * into cache reads, cache writes, audio and the rest of the text (each part
 * of `inputTokens`, as the APIs report them), and the reply's into audio and
 * the rest (reasoning tokens are billed as output); each is priced at its
 * rate, tiered by the prompt's size, in integer pico-dollars, rounded up to
 * whole nano-dollars once per call, so sums never drift.
 */
export const costNanoUsd = (rates: Rates, tokens: TokenCounts): number => {
  const input = tokens.inputTokens;
  const cached = Math.min(tokens.cachedInputTokens, input);
  const written = Math.min(tokens.cacheWriteInputTokens, input - cached);
  const audio = Math.min(tokens.inputAudioTokens, input - cached - written);
  const text = input - cached - written - audio;
  const outputAudio = Math.min(tokens.outputAudioTokens, tokens.outputTokens);
  const outputText = tokens.outputTokens - outputAudio;
  const parts: ReadonlyArray<readonly [number, Rate]> = [
    [text, rates.input],
    [cached, rates.cachedInput],
    [written, rates.cacheWrite],
    [audio, rates.inputAudio],
    [outputText, rates.output],
    [outputAudio, rates.outputAudio],
  ];
  let pico = 0;
  for (const [count, rate] of parts) if (count > 0) pico += count * picoAt(rate, input);
  if (Number.isSafeInteger(pico)) return picoToNano(pico);
  // Past 2^53 pico-dollars (about 9,000 USD in one call): the same sum, exactly, in bigints.
  let big = 0n;
  for (const [count, rate] of parts) if (count > 0) big += BigInt(count) * BigInt(picoAt(rate, input));
  return picoToNano(big);
};

const highest = (rates: ReadonlyArray<Rate>, inputTokens: number): number => Math.max(...rates.map((rate) => picoAt(rate, inputTokens)));

/**
 * A request's worst case for a budget reservation: every prompt token at the
 * dearest input rate (a cache write costs more than a plain input token) and
 * `maxOutputTokens` at the dearest output rate.
 */
export const worstCaseNanoUsd = (rates: Rates, inputTokens: number, maxOutputTokens: number): number => {
  const pico =
    inputTokens * highest([rates.input, rates.cachedInput, rates.cacheWrite, rates.inputAudio], inputTokens) +
    maxOutputTokens * highest([rates.output, rates.outputAudio], inputTokens);
  return Number.isSafeInteger(pico)
    ? picoToNano(pico)
    : picoToNano(
        BigInt(inputTokens) * BigInt(highest([rates.input, rates.cachedInput, rates.cacheWrite, rates.inputAudio], inputTokens)) +
          BigInt(maxOutputTokens) * BigInt(highest([rates.output, rates.outputAudio], inputTokens)),
      );
};
