/**
 * The built-in prices: the multi-provider price database of
 * `@pydantic/genai-prices` (MIT), as bundled in the installed package.
 * stepgraph only reads it: it never calls the package's `updatePrices`, so
 * nothing is fetched at run time. (An application that calls `updatePrices`
 * itself updates the data this module reads; a model's entry, once found, is
 * kept for the process.)
 *
 * A model is found in one provider's list, the provider being, in order:
 * the agent's `provider` option (a provider id of the database: "groq",
 * "together", "anthropic"...); else the provider whose API URL the client's
 * `baseURL` matches (api.groq.com, api.deepseek.com, openrouter.ai...); else
 * the provider whose model ids the model's id matches (claude → anthropic,
 * deepseek → deepseek, mistral → mistral, gemini → google, gpt- and o1/o3/o4
 * → openai, grok → x-ai). Within it, the database's own matching applies
 * (`claude-3-5-sonnet-latest` is claude-3-5-sonnet; dated ids find their
 * base model).
 *
 * The package (about 0.8 MB of JavaScript, mostly data) is imported at the first lookup, and
 * never by a program whose models are all in its own `pricing`: as with the
 * tokenizer (see agents/tokens.ts), the CommonJS build imports it by a
 * specifier bundlers do not follow. Where it cannot be loaded at all,
 * `defaultPrices` (OpenAI's models) is used instead.
 */
import type * as GenaiPrices from "@pydantic/genai-prices";
import type { PriceTable } from "../../runtime/prices.js";
import { AgentConfigError } from "../errors.js";
import { defaultPrices, findPrice, picoPerToken, ratesOf, type Rate, type Rates } from "../pricing.js";

type Database = Pick<typeof GenaiPrices, "calcPrice" | "findProvider">;
type DatabaseModel = GenaiPrices.ModelInfo;
type DatabasePrice = GenaiPrices.ModelPrice;

/** Replaced by the build: `true` in the CommonJS build, `false` in the ES module build; undeclared when run from source. */
declare const STEPGRAPH_OPAQUE_TOKENIZER_IMPORT: boolean | undefined;

const opaqueImport = typeof STEPGRAPH_OPAQUE_TOKENIZER_IMPORT === "boolean" ? STEPGRAPH_OPAQUE_TOKENIZER_IMPORT : false;

const importDatabase = (): Promise<Database> => {
  if (opaqueImport) {
    const specifier = "@pydantic/genai-prices";
    return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<Database>;
  }
  return import("@pydantic/genai-prices");
};

/** The database once loaded; `null` when it could not be. */
let database: Database | null | undefined;
let loading: Promise<Database | null> | undefined;

const load = (): Promise<Database | null> =>
  (loading ??= importDatabase().then(
    (module) => (database = module),
    (error: unknown) => {
      console.warn(
        `stepgraph: @pydantic/genai-prices could not be loaded (${error instanceof Error ? error.message : String(error)}); ` +
          "only your own pricing and the OpenAI prices in defaultPrices are known. Install @pydantic/genai-prices beside stepgraph, or bundle stepgraph's ES module build.",
      );
      return (database = null);
    },
  ));

/** What identifies a model's provider (see the module's comment). */
export interface ProviderHint {
  /** The agent's `provider` option: a provider id of the database. */
  readonly provider: string | undefined;
  /** The client's `baseURL`. */
  readonly baseURL: string | undefined;
}

/**
 * A model found in the database: its entry, and its rates when they do not
 * depend on the time (most models), so that a request's lookup is one map read.
 */
interface Found {
  readonly model: DatabaseModel;
  readonly rates: Rates | null | undefined;
}

/**
 * Models found (or not), by provider hint (the `provider` option, or else the
 * client's baseURL: a URL is never a provider id), then by id. Bounded: ids
 * come from code, but a service may be given them.
 */
const found = new Map<string, Map<string, Found | null>>();
const MAX_FOUND = 10_000;
let foundCount = 0;

const providerOf = (db: Database, hint: ProviderHint): string | undefined => {
  if (hint.provider !== undefined) {
    const provider = db.findProvider({ providerId: hint.provider });
    if (provider === undefined) {
      throw new AgentConfigError({
        problem: `provider "${hint.provider}" is not a provider of @pydantic/genai-prices' database (its ids are lowercase: "anthropic", "groq", "together", "deepseek", "mistral", "google", "openrouter", ...). Fix the agent's provider option, or price the model with pricing.`,
      });
    }
    return provider.id;
  }
  return hint.baseURL === undefined ? undefined : db.findProvider({ providerApiUrl: hint.baseURL })?.id;
};

const findModel = (db: Database, model: string, hint: ProviderHint): Found | null => {
  const hintKey = hint.provider ?? hint.baseURL ?? "";
  let models = found.get(hintKey);
  const known = models?.get(model);
  if (known !== undefined) return known;
  const providerId = providerOf(db, hint);
  let entry: Found | null = null;
  try {
    const info = db.calcPrice({}, model, providerId === undefined ? undefined : { providerId })?.model;
    if (info !== undefined) entry = { model: info, rates: Array.isArray(info.prices) ? undefined : databaseRates(info.prices) };
  } catch {
    // A model whose data the package itself cannot read is a model without a price.
  }
  if (foundCount >= MAX_FOUND) {
    found.clear();
    foundCount = 0;
    models = undefined;
  }
  if (models === undefined) found.set(hintKey, (models = new Map()));
  models.set(model, entry);
  foundCount++;
  return entry;
};

const secondsOfDay = (time: string): number => {
  const match = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (match === null) return Number.NaN;
  const [, hours, minutes, seconds, zone] = match;
  const offset = zone === "Z" ? 0 : (zone!.startsWith("-") ? -1 : 1) * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
  return (((Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) - offset) % 86400) + 86400) % 86400;
};

/**
 * The model's price in force at `at`: the last of its prices whose
 * constraint holds (a start date passed, or a time of day, as DeepSeek's
 * off-peak hours), else the first; the same choice the package makes.
 */
export const priceAt = (model: DatabaseModel, at: Date): DatabasePrice => {
  const prices = model.prices;
  if (!Array.isArray(prices)) return prices;
  for (let index = prices.length - 1; index >= 0; index--) {
    const { constraint, prices: price } = prices[index]!;
    if (constraint === undefined) return price;
    if (constraint.type === "start_date") {
      if (at >= new Date(constraint.start_date)) return price;
    } else if (constraint.type === "time_of_date") {
      const now = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
      const start = secondsOfDay(constraint.start_time);
      const end = secondsOfDay(constraint.end_time);
      if (end < start ? now >= start || now < end : now >= start && now < end) return price;
    }
  }
  return prices[0]!.prices;
};

const rateOf = (value: DatabasePrice[string]): Rate | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === "number") return { pico: picoPerToken(value) };
  return {
    pico: picoPerToken(value.base),
    tiers: [...value.tiers].sort((a, b) => a.start - b.start).map((tier) => ({ start: tier.start, pico: picoPerToken(tier.price) })),
  };
};

const converted = new WeakMap<DatabasePrice, Rates | null>();

/**
 * A database price as rates: `input_mtok`, `cache_read_mtok`,
 * `cache_write_mtok`, `input_audio_mtok`, `output_mtok`, `output_audio_mtok`
 * (each missing one priced as plain input or output). `null` for a price
 * with no token prices (priced per request or per second only).
 */
export const databaseRates = (price: DatabasePrice): Rates | null => {
  let rates = converted.get(price);
  if (rates === undefined) {
    const input = rateOf(price.input_mtok);
    const output = rateOf(price.output_mtok);
    rates =
      input === undefined && output === undefined
        ? null
        : {
            input: input ?? { pico: 0 },
            cachedInput: rateOf(price.cache_read_mtok) ?? input ?? { pico: 0 },
            cacheWrite: rateOf(price.cache_write_mtok) ?? input ?? { pico: 0 },
            inputAudio: rateOf(price.input_audio_mtok) ?? input ?? { pico: 0 },
            output: output ?? { pico: 0 },
            outputAudio: rateOf(price.output_audio_mtok) ?? output ?? { pico: 0 },
          };
    converted.set(price, rates);
  }
  return rates;
};

/**
 * A model's rates at `at` (epoch milliseconds): the caller's price tables
 * first (most specific last), then the database, then (only when the
 * database cannot be loaded) `defaultPrices`. `undefined` when no price is known.
 */
export const findRates = async (
  model: string,
  tables: ReadonlyArray<PriceTable | undefined>,
  hint: ProviderHint,
  at: number,
): Promise<Rates | undefined> => {
  const own = findPrice(model, tables);
  if (own !== undefined) return ratesOf(own);
  const db = database === undefined ? await load() : database;
  if (db === null) {
    const fallback = findPrice(model, [defaultPrices]);
    return fallback === undefined ? undefined : ratesOf(fallback);
  }
  const entry = findModel(db, model, hint);
  if (entry === null) return undefined;
  return (entry.rates !== undefined ? entry.rates : databaseRates(priceAt(entry.model, new Date(at)))) ?? undefined;
};
