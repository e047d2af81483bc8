/** Builds OpenAI `chat.completion` bodies and `chat.completion.chunk` SSE frames. */
import type { FinishReason, MockResponseSpec } from "./types.js";

/** The generated assistant message. */
export interface Generated {
  readonly content: string | null;
  readonly refusal: string | null;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly finishReason: FinishReason;
}

/** Billed token counts. */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly inputAudioTokens: number;
  readonly reasoningTokens: number;
  readonly outputAudioTokens: number;
  /** Where the cache counts go (see `MockUsageSpec.style`). */
  readonly style: "openai" | "anthropic";
}

/** Identity shared by all chunks of one completion. */
export interface CompletionMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

const FINGERPRINT = "fp_stepgraph_mock";

/** Turns a response spec into the assistant message. `idPrefix` makes tool call ids deterministic. */
export function generated(spec: MockResponseSpec, idPrefix: string): Generated {
  const toolCalls = (spec.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${idPrefix}_${i}`,
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
  }));
  const content =
    spec.content ?? (spec.json !== undefined ? JSON.stringify(spec.json) : toolCalls.length > 0 || spec.refusal !== undefined ? null : "");
  return {
    content,
    refusal: spec.refusal ?? null,
    toolCalls,
    finishReason: spec.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
  };
}

/** The OpenAI `usage` object. */
export function usageJson(usage: Usage): Record<string, unknown> {
  const anthropic = usage.style === "anthropic";
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(anthropic ? { cache_creation_input_tokens: usage.cacheWriteInputTokens, cache_read_input_tokens: usage.cachedInputTokens } : {}),
    prompt_tokens_details: {
      ...(anthropic ? {} : { cached_tokens: usage.cachedInputTokens }),
      ...(anthropic || usage.cacheWriteInputTokens === 0 ? {} : { cache_write_tokens: usage.cacheWriteInputTokens }),
      audio_tokens: usage.inputAudioTokens,
    },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: usage.outputAudioTokens,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** A non-streaming `chat.completion` body. */
export function completionJson(meta: CompletionMeta, message: Generated, usage: Usage): Record<string, unknown> {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: FINGERPRINT,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: message.content,
          refusal: message.refusal,
          annotations: [],
          ...(message.toolCalls.length > 0
            ? {
                tool_calls: message.toolCalls.map((c) => ({
                  id: c.id,
                  type: "function",
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: message.finishReason,
      },
    ],
    usage: usageJson(usage),
  };
}

/** Splits text into word-sized pieces (leading whitespace kept): "a b" → ["a", " b"]. */
export function pieces(text: string, maxLength = 16): string[] {
  const out: string[] = [];
  for (const word of text.match(/\s*\S+|\s+/g) ?? []) {
    for (let i = 0; i < word.length; i += maxLength) out.push(word.slice(i, i + maxLength));
  }
  return out;
}

/** One SSE frame plus how many characters of generated output it carries. */
export interface Frame {
  readonly data: string;
  readonly outputChars: number;
  /** The chunk carrying `finish_reason`. */
  readonly finish: boolean;
}

/**
 * The SSE frames of a streamed completion: a role chunk, content / refusal /
 * tool call deltas, the finish chunk, an optional usage chunk (empty `choices`)
 * and `[DONE]`. `usage` is `undefined` unless `stream_options.include_usage` was set.
 */
export function streamFrames(meta: CompletionMeta, message: Generated, usage: Usage | undefined): Frame[] {
  const frames: Frame[] = [];
  /** A chunk with the completion's id, model and fingerprint around `body`. */
  const chunkOf = (body: Record<string, unknown>): string =>
    JSON.stringify({ id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, system_fingerprint: FINGERPRINT, ...body });
  const push = (delta: Record<string, unknown>, outputChars: number, finish: FinishReason | null = null): void => {
    const choices = [{ index: 0, delta, logprobs: null, finish_reason: finish }];
    const data = chunkOf(usage !== undefined ? { choices, usage: null } : { choices });
    frames.push({ data, outputChars, finish: finish !== null });
  };
  push({ role: "assistant", content: message.content === null ? null : "", refusal: null }, 0);
  for (const piece of pieces(message.content ?? "")) push({ content: piece }, piece.length);
  for (const piece of pieces(message.refusal ?? "")) push({ refusal: piece }, piece.length);
  message.toolCalls.forEach((call, index) => {
    push(
      { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] },
      call.name.length,
    );
    for (const piece of pieces(call.arguments)) push({ tool_calls: [{ index, function: { arguments: piece } }] }, piece.length);
  });
  push({}, 0, message.finishReason);
  if (usage !== undefined) {
    frames.push({ data: chunkOf({ choices: [], usage: usageJson(usage) }), outputChars: 0, finish: false });
  }
  frames.push({ data: "[DONE]", outputChars: 0, finish: false });
  return frames;
}

/** Total generated characters, the denominator for partial billing. */
export function outputChars(message: Generated): number {
  return (
    (message.content ?? "").length +
    (message.refusal ?? "").length +
    message.toolCalls.reduce((n, c) => n + c.name.length + c.arguments.length, 0)
  );
}
