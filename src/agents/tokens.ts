/**
 * Prompt token estimates for budget reservations, with the real tokenizer
 * (gpt-tokenizer ships its encodings: nothing is downloaded at run time).
 *
 * The encodings (about 3.7 MB of code) are imported on the first estimate,
 * that is, by the first request reserved in a budget, and never otherwise:
 * a pipeline without agents or budgets never loads them, and a bundle of it
 * does not carry them.
 *
 * - The ES module build imports them by name, so a bundler drops them with the
 *   agent code a program does not use, or splits them into a chunk of their own.
 * - A bundler cannot tree-shake a CommonJS module, so the CommonJS build
 *   (where tsup.config.ts defines `STEPGRAPH_OPAQUE_TOKENIZER_IMPORT` as
 *   `true`) imports them by a specifier bundlers do not follow: a bundle of
 *   `require("stepgraph")` does not carry them, and they load from
 *   node_modules at the first estimate.
 *
 * Where they cannot be loaded at all (a CommonJS bundle deployed without
 * node_modules), a prompt is counted as its UTF-8 bytes: byte-level BPE never
 * makes more tokens than bytes, so the reservation still bounds the real cost
 * and a budget is still never overspent (it only fits fewer requests).
 */

/** Tokens added per chat message by the chat format, and per request for the reply's priming. */
const PER_MESSAGE = 4;
const PER_REQUEST = 3;

type Counter = (text: string) => number;
type Encoding = "o200k_base" | "cl100k_base";

/** Replaced by the build: `true` in the CommonJS build, `false` in the ES module build; undeclared when run from source. */
declare const STEPGRAPH_OPAQUE_TOKENIZER_IMPORT: boolean | undefined;

const opaqueImport = typeof STEPGRAPH_OPAQUE_TOKENIZER_IMPORT === "boolean" ? STEPGRAPH_OPAQUE_TOKENIZER_IMPORT : false;

const importEncoding = (encoding: Encoding): Promise<{ countTokens: Counter }> => {
  if (opaqueImport) {
    const specifier = `gpt-tokenizer/encoding/${encoding}`;
    return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<{ countTokens: Counter }>;
  }
  return encoding === "o200k_base" ? import("gpt-tokenizer/encoding/o200k_base") : import("gpt-tokenizer/encoding/cl100k_base");
};

const utf8 = new TextEncoder();

/** An upper bound on any byte-level BPE count: one token per UTF-8 byte. */
const bytes: Counter = (text) => utf8.encode(text).length;

let warned = false;

const loaded = new Map<Encoding, Promise<Counter>>();

const load = (encoding: Encoding): Promise<Counter> => {
  let counter = loaded.get(encoding);
  if (counter === undefined) {
    counter = importEncoding(encoding).then(
      (module) => module.countTokens,
      (error: unknown) => {
        if (!warned) {
          warned = true;
          console.warn(
            `stepgraph: gpt-tokenizer could not be loaded (${error instanceof Error ? error.message : String(error)}); ` +
              "budget reservations count prompt bytes instead, an upper bound on tokens. Install gpt-tokenizer beside stepgraph, or bundle stepgraph's ES module build.",
          );
        }
        return bytes;
      },
    );
    loaded.set(encoding, counter);
  }
  return counter;
};

/**
 * Unknown models get a conservative count: one token per two characters,
 * about twice what BPE tokenizers produce for English.
 */
const conservative: Counter = (text) => Math.ceil(text.length / 2);

/** The tokenizer for a model: o200k for GPT-4o, 4.1, 5 and the o-series; cl100k for GPT-4 and 3.5; otherwise conservative. */
const counterFor = (model: string): Promise<Counter> => {
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d)/.test(model)) return load("o200k_base");
  if (/^(gpt-4|gpt-3\.5)/.test(model)) return load("cl100k_base");
  return Promise.resolve(conservative);
};

/**
 * Estimates the input tokens of a request: every message's text, plus the
 * JSON of tools and response format, plus the chat format's overhead.
 */
export const estimateInputTokens = async (model: string, texts: ReadonlyArray<string>, messageCount: number): Promise<number> => {
  const count = await counterFor(model);
  let total = PER_REQUEST + PER_MESSAGE * messageCount;
  for (const text of texts) total += count(text);
  return total;
};
