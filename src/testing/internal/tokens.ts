/** Token accounting with the o200k tokenizer (gpt-4o / gpt-5 family). */
import { countTokens } from "gpt-tokenizer";
import type { MockChatRequest, MockResponseFormat } from "./types.js";

/** Tokens of a piece of text. */
export function textTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}

/** Per-message framing overhead, as in OpenAI's chat format (`<|start|>role…<|end|>`). */
const MESSAGE_OVERHEAD = 4;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
const REPLY_PRIMING = 3;

function formatTokens(format: MockResponseFormat): number {
  return format.type === "json_schema" ? textTokens(JSON.stringify(format.schema)) : 0;
}

/** Prompt tokens of each message prefix: `result[i]` counts messages `0..i` (no priming, no tools). */
export function prefixTokens(request: MockChatRequest): number[] {
  let sum = 0;
  return request.messages.map((m) => {
    sum += MESSAGE_OVERHEAD + textTokens(m.content) + textTokens(m.role);
    for (const call of m.toolCalls) sum += textTokens(call.name) + textTokens(call.arguments);
    return sum;
  });
}

/** Prompt tokens of a whole request: messages, tool definitions and the output schema. */
export function inputTokens(request: MockChatRequest): number {
  const messages = prefixTokens(request).at(-1) ?? 0;
  const tools = request.tools.length > 0 ? textTokens(JSON.stringify(request.tools)) : 0;
  return messages + tools + formatTokens(request.responseFormat) + REPLY_PRIMING;
}

/** Completion tokens of a generated message. */
export function outputTokens(message: {
  readonly content: string | null;
  readonly refusal: string | null;
  readonly toolCalls: readonly { readonly name: string; readonly arguments: string }[];
}): number {
  let total = textTokens(message.content ?? "") + textTokens(message.refusal ?? "");
  for (const call of message.toolCalls) total += MESSAGE_OVERHEAD + textTokens(call.name) + textTokens(call.arguments);
  return total;
}

/**
 * Simulated automatic prompt caching: like OpenAI, only prompts of at least
 * 1024 tokens are cached, in 128-token steps, and a hit needs an identical
 * message prefix seen in an earlier request.
 */
export class PromptCache {
  readonly #seen = new Set<string>();

  /** Returns the cached tokens for this request and remembers its prefixes. */
  lookup(request: MockChatRequest): number {
    const sums = prefixTokens(request);
    let key = request.model;
    let cached = 0;
    const keys: string[] = [];
    request.messages.forEach((m, i) => {
      key += `\u0000${m.role}\u0001${m.content}\u0001${JSON.stringify(m.toolCalls)}`;
      keys.push(key);
      if (this.#seen.has(key)) cached = sums[i] ?? 0;
    });
    for (const k of keys) this.#seen.add(k);
    return cached >= 1024 ? Math.floor(cached / 128) * 128 : 0;
  }

  clear(): void {
    this.#seen.clear();
  }
}
