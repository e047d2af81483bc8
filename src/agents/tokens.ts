/**
 * Prompt token estimates for budget reservations, with the real tokenizer
 * (gpt-tokenizer ships its encodings: nothing is downloaded at run time).
 */

/** Tokens added per chat message by the chat format, and per request for the reply's priming. */
const PER_MESSAGE = 4;
const PER_REQUEST = 3;

type Counter = (text: string) => number;

let o200k: Promise<Counter> | undefined;
let cl100k: Promise<Counter> | undefined;

const loadO200k = () => (o200k ??= import("gpt-tokenizer/encoding/o200k_base").then((module) => module.countTokens));
const loadCl100k = () => (cl100k ??= import("gpt-tokenizer/encoding/cl100k_base").then((module) => module.countTokens));

/**
 * Unknown models get a conservative count: one token per two characters,
 * about twice what BPE tokenizers produce for English.
 */
const conservative: Counter = (text) => Math.ceil(text.length / 2);

/** The tokenizer for a model: o200k for GPT-4o, 4.1, 5 and the o-series; cl100k for GPT-4 and 3.5; otherwise conservative. */
const counterFor = (model: string): Promise<Counter> => {
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d)/.test(model)) return loadO200k();
  if (/^(gpt-4|gpt-3\.5)/.test(model)) return loadCl100k();
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
