/**
 * Public types of the mock OpenAI server. Re-exported from `stepgraph/testing`.
 *
 * @module
 */
import type { IncomingHttpHeaders } from "node:http";
import type { MockChatRequest } from "./request-types.js";

export type * from "./request-types.js";

/**
 * A failure the mock server can inject instead of (or before) a normal answer.
 *
 * - `latency`: wait `ms` milliseconds, then answer normally. Cancelled if the client disconnects.
 * - `status`: answer with an OpenAI-shaped error `{ error: { message, type, code, param } }`
 *   (or `body` verbatim); `retryAfter` (seconds) sets the `Retry-After` header.
 * - `reset`: destroy the socket without writing anything; with `afterEvents`, a streaming answer
 *   first sends that many SSE events (spaced by the spec's `chunkDelayMs`) and is billed partially;
 *   with `afterBytes`, a plain answer first sends its headers and that many bytes of its body
 *   (billed in full: the model finished, the connection did not).
 * - `truncated`: send headers and half of the body (half of the SSE events when streaming), then end.
 * - `malformed`: answer 200 with a body that is not valid JSON.
 * - `hang`: never answer. The request still ends when the client aborts or the server closes.
 * - `raw`: answer with `body` verbatim, with `status` (default 200) and `contentType` (default
 *   `application/json`): a reply that is not a chat completion, such as a proxy's HTML page. Not billed.
 *
 * @example
 * ```ts
 * server.failNext(1, { type: "status", status: 429, retryAfter: 2 });
 * server.script({ content: "slow", fault: { type: "latency", ms: 200 } });
 * server.script({ content: "cut off mid-way", chunkDelayMs: 10, fault: { type: "reset", afterEvents: 3 } });
 * server.failNext(1, { type: "raw", contentType: "text/html", body: "<html><body>502 Bad Gateway</body></html>" });
 * ```
 */
export type Fault =
  | { readonly type: "latency"; readonly ms: number }
  | {
      readonly type: "status";
      readonly status: number;
      /** Seconds, sent as the `Retry-After` header. */
      readonly retryAfter?: number;
      /** Sent instead of the generated OpenAI error JSON (strings are sent verbatim). */
      readonly body?: unknown;
      readonly message?: string;
    }
  | {
      readonly type: "reset";
      /** When streaming, SSE events sent before the socket is destroyed (the first carries only the role). */
      readonly afterEvents?: number;
      /** When not streaming, bytes of the body sent (after the headers) before the socket is destroyed. */
      readonly afterBytes?: number;
    }
  | { readonly type: "truncated" }
  | { readonly type: "malformed" }
  | { readonly type: "hang" }
  | {
      readonly type: "raw";
      readonly body: string;
      /** Default 200. */
      readonly status?: number;
      /** Default `application/json`. */
      readonly contentType?: string;
    };

/**
 * A tool call the mock "model" makes.
 *
 * @example
 * ```ts
 * const call: MockToolCallSpec = { name: "lookup", arguments: { city: "Paris" } };
 * ```
 */
export interface MockToolCallSpec {
  /** Defaults to a deterministic `call_…` id. */
  readonly id?: string;
  readonly name: string;
  /** An object is JSON-encoded; a string is sent verbatim (so it may be invalid JSON on purpose). */
  readonly arguments: Readonly<Record<string, unknown>> | string;
}

/**
 * Token counts that override the server's own estimate. The cached,
 * cache-write and audio input tokens are parts of `inputTokens`, the
 * reasoning and audio output tokens parts of `outputTokens`, as the APIs
 * report them.
 *
 * @example
 * ```ts
 * server.script({ content: "hi", usage: { inputTokens: 1000, cachedInputTokens: 768 } });
 * // A Claude model behind a LiteLLM-style proxy, writing 900 prompt tokens to its cache:
 * server.script({ content: "hi", usage: { inputTokens: 1000, cacheWriteInputTokens: 900, style: "anthropic" } });
 * // A reasoning model with audio output:
 * server.script({ content: "hi", usage: { outputTokens: 300, reasoningTokens: 200, outputAudioTokens: 50 } });
 * ```
 */
export interface MockUsageSpec {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cachedInputTokens?: number;
  /** Prompt tokens written to the prompt cache (default 0). */
  readonly cacheWriteInputTokens?: number;
  /** Prompt tokens that were audio (default 0). */
  readonly inputAudioTokens?: number;
  /** Completion tokens spent on reasoning (default 0). */
  readonly reasoningTokens?: number;
  /** Completion tokens that were audio (default 0). */
  readonly outputAudioTokens?: number;
  /**
   * How the cache counts are reported. `"openai"` (the default):
   * `prompt_tokens_details.cached_tokens`, and `cache_write_tokens` beside it
   * when there are cache writes, as OpenRouter reports them. `"anthropic"`:
   * `cache_read_input_tokens` and `cache_creation_input_tokens` beside
   * `prompt_tokens`, as LiteLLM reports Anthropic models' cache use.
   */
  readonly style?: "openai" | "anthropic";
}

/**
 * The reason a completion stopped, as in the OpenAI API.
 *
 * @example
 * ```ts
 * server.script({ content: "cut off", finishReason: "length" });
 * ```
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/**
 * What the mock server should answer to one chat completion request.
 * Every field is optional; an empty spec answers with an empty assistant message.
 *
 * @example
 * ```ts
 * server.script(
 *   { toolCalls: [{ name: "search", arguments: { q: "effect" } }] },
 *   { content: "Found it.", usage: { outputTokens: 3 } },
 *   { json: { label: "invoice" } },
 *   { fault: { type: "status", status: 500 } },
 * );
 * ```
 */
export interface MockResponseSpec {
  /** Assistant text. */
  readonly content?: string;
  /** Value JSON-encoded as the assistant text (used when `content` is absent). */
  readonly json?: unknown;
  readonly toolCalls?: readonly MockToolCallSpec[];
  readonly refusal?: string;
  /** Defaults to `"tool_calls"` when there are tool calls, else `"stop"`. */
  readonly finishReason?: FinishReason;
  readonly usage?: MockUsageSpec;
  /** Wait this long before answering (cancellable by the client). */
  readonly latencyMs?: number;
  /** When streaming, wait this long between SSE events. */
  readonly chunkDelayMs?: number;
  readonly fault?: Fault;
  /** An HTTP status >= 400 answers with an OpenAI-shaped error of that status. */
  readonly status?: number;
  /**
   * Bill the full usage even if the client disconnects during latency.
   * Default `false`: a request aborted before any byte was sent is not billed.
   */
  readonly billOnAbort?: boolean;
}

/**
 * Computes the answer for a chat request. Return `undefined` to fall through to
 * the routes and then the default deterministic responder.
 *
 * @example
 * ```ts
 * const responder: MockResponder = (req) =>
 *   req.lastUserMessage.includes("weather") ? { content: "Sunny." } : undefined;
 * ```
 */
export type MockResponder = (
  request: MockChatRequest,
) => MockResponseSpec | undefined | Promise<MockResponseSpec | undefined>;

/**
 * Chooses a responder by model name and/or system prompt. A string `model`
 * must match exactly; a string `systemPrompt` must be contained in the system prompt.
 *
 * @example
 * ```ts
 * const route: MockRoute = { systemPrompt: /translator/i, respond: { content: "Bonjour" } };
 * ```
 */
export interface MockRoute {
  readonly model?: string | RegExp;
  readonly systemPrompt?: string | RegExp;
  readonly respond: MockResponder | MockResponseSpec;
}

/**
 * How a recorded request ended.
 * `pending` (still running), `completed` (a 2xx answer was fully written),
 * `error` (an HTTP error status was written), `fault` (reset/truncated/malformed),
 * `aborted` (the client disconnected first), `closed` (the server was closed first).
 *
 * @example
 * ```ts
 * expect(server.requests[0]?.outcome satisfies RequestOutcome).toBe("completed");
 * ```
 */
export type RequestOutcome = "pending" | "completed" | "error" | "fault" | "aborted" | "closed";

/**
 * One HTTP request received by the mock server. The object is updated in place
 * while the request runs (`aborted`, `outcome`, `status`, `finishedAt`).
 *
 * @example
 * ```ts
 * const [first] = server.requests;
 * expect(first?.path).toBe("/v1/chat/completions");
 * expect(first?.aborted).toBe(false);
 * ```
 */
export interface RecordedRequest {
  /** `req_1`, `req_2`, … also sent back as the `x-request-id` header. */
  readonly id: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Parsed JSON body; `undefined` without a body, the raw text if it is not JSON. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  /** `true` when the client closed the connection before the response completed. */
  readonly aborted: boolean;
  readonly outcome: RequestOutcome;
  /** HTTP status written, `undefined` if none was. */
  readonly status: number | undefined;
  /** The fault applied, if any. */
  readonly fault: Fault["type"] | undefined;
  /** `Date.now()` when the request ended, `undefined` while pending. */
  readonly finishedAt: number | undefined;
}

/**
 * Usage billed for one response. A response is billed once it has been (at least
 * partly) sent; `partial` marks a stream the client left early or a truncated body.
 *
 * @example
 * ```ts
 * const [bill] = server.billed;
 * expect(bill?.inputTokens).toBeGreaterThan(0);
 * ```
 */
export interface BilledUsage {
  readonly requestId: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly inputAudioTokens: number;
  readonly reasoningTokens: number;
  readonly outputAudioTokens: number;
  readonly partial: boolean;
}

/**
 * Sum of all billed usage.
 *
 * @example
 * ```ts
 * const { totalTokens, responses } = server.totalBilled();
 * ```
 */
export interface UsageTotals {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly inputAudioTokens: number;
  readonly reasoningTokens: number;
  readonly outputAudioTokens: number;
  readonly totalTokens: number;
  /** Number of billed responses. */
  readonly responses: number;
}
