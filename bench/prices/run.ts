/**
 * Price lookup on the per-request path (`npm run bench:prices`): what
 * `RequestBilling.open` and `settle` do to price one request, before and
 * after prices came from @pydantic/genai-prices.
 *
 * - before: the old lookup, copied here (it is gone from src/): the user's
 *   tables and `defaultPrices` scanned by `findPrice`, then the old cost
 *   formula. A model not in `defaultPrices` had no price.
 * - after: `findRates` (the user's tables, then the database's cached entry,
 *   the price in force now, its cached rates) awaited as `open` awaits it,
 *   then `costNanoUsd`.
 *
 * Rounds alternate before and after on the same machine in one run; the
 * figure is the ratio of their median times per lookup.
 *
 *   npx tsx bench/prices/run.ts [--lookups 200000] [--rounds 7]
 */
import { parseArgs } from "node:util";
import { findRates } from "../../src/agents/internal/price-database.js";
import { costNanoUsd, defaultPrices, findPrice } from "../../src/agents/pricing.js";
import type { ModelPrice, PriceTable } from "../../src/runtime/prices.js";
import { noTokens } from "../../src/runtime/usage.js";

const { values } = parseArgs({ options: { lookups: { type: "string", default: "200000" }, rounds: { type: "string", default: "7" } } });
const lookups = Number(values.lookups);
const rounds = Number(values.rounds);

const tokens = { ...noTokens, inputTokens: 1200, cachedInputTokens: 400, outputTokens: 150 };
const pipelinePricing: PriceTable = { "my-fine-tune": { input: 0.3, output: 1.2 } };

/** The cost formula before: pico-dollars per token by float multiplication. */
const costBefore = (price: ModelPrice): number => {
  const pico = (usd: number) => Math.round(usd * 1e6);
  const uncached = tokens.inputTokens - tokens.cachedInputTokens;
  return Math.ceil((uncached * pico(price.input) + tokens.cachedInputTokens * pico(price.cachedInput ?? price.input) + tokens.outputTokens * pico(price.output)) / 1000);
};

const before = async (model: string): Promise<number | null> => {
  const price = findPrice(model, [defaultPrices, pipelinePricing, undefined]);
  return price === undefined ? null : costBefore(price);
};

const hint = { provider: undefined, baseURL: "http://127.0.0.1:4010/v1" };
const after = async (model: string): Promise<number | null> => {
  const rates = await findRates(model, [pipelinePricing, undefined], hint, Date.now());
  return rates === undefined ? null : costNanoUsd(rates, tokens);
};

const time = async (lookup: (model: string) => Promise<number | null>, model: string): Promise<number> => {
  const started = performance.now();
  let sink = 0;
  for (let index = 0; index < lookups; index++) sink += (await lookup(model)) ?? 0;
  if (sink < 0) console.log(sink);
  return ((performance.now() - started) * 1000) / lookups; // µs per lookup
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const cases: ReadonlyArray<readonly [string, string]> = [
  ["gpt-4o-mini (OpenAI, built-in before and after)", "gpt-4o-mini"],
  ["my-fine-tune (the pipeline's pricing)", "my-fine-tune"],
  ["claude-3-5-sonnet-latest (no price before; the database after)", "claude-3-5-sonnet-latest"],
];

await after("gpt-4o-mini"); // loads the database once, as the first request does
console.log(`Price lookup per request, ${lookups.toLocaleString("en")} lookups x ${rounds} rounds, median µs per lookup:`);
for (const [label, model] of cases) {
  const times = { before: [] as number[], after: [] as number[] };
  await time(before, model);
  await time(after, model);
  for (let round = 0; round < rounds; round++) {
    times.before.push(await time(before, model));
    times.after.push(await time(after, model));
  }
  const [b, a] = [median(times.before), median(times.after)];
  console.log(`  ${label}: before ${b.toFixed(3)} µs, after ${a.toFixed(3)} µs, after/before ${(a / b).toFixed(2)}`);
}
