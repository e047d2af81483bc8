/**
 * Public types of the running mock server and its options. Re-exported from
 * `stepgraph/testing` (and from `../server.js`). They live here, not in
 * server.ts, so that mock-server.ts can implement {@link MockOpenAIServer}
 * without importing server.ts, which imports mock-server.ts.
 *
 * @module
 */
import type {
  BilledUsage,
  Fault,
  MockResponder,
  MockResponseSpec,
  MockRoute,
  RecordedRequest,
  UsageTotals,
} from "./types.js";

/**
 * Options of {@link startMockOpenAI}.
 *
 * @example
 * ```ts
 * const server = await startMockOpenAI({
 *   models: ["gpt-4o-mini"],
 *   routes: [{ systemPrompt: "classifier", respond: { content: "invoice" } }],
 *   latencyMs: 5,
 * });
 * ```
 */
export interface MockOpenAIOptions {
  /** Port on 127.0.0.1; `0` (the default) picks a free one. */
  readonly port?: number;
  /** Ids listed by `GET /v1/models`. */
  readonly models?: readonly string[];
  /** Initial script, see {@link MockOpenAIServer.script}. */
  readonly script?: readonly MockResponseSpec[];
  /** Initial responder, see {@link MockOpenAIServer.setResponder}. */
  readonly responder?: MockResponder;
  /** Responders chosen by model and/or system prompt; the first matching route wins. */
  readonly routes?: readonly MockRoute[];
  /** Faults applied to the next chat requests, one per request, in order. */
  readonly faults?: readonly Fault[];
  /** Latency added to every chat answer unless the spec sets `latencyMs`. Default 0. */
  readonly latencyMs?: number;
  /** When set, requests must send `Authorization: Bearer <apiKey>` or get a 401. */
  readonly apiKey?: string;
  /** Simulate OpenAI automatic prompt caching (repeated prefixes of >= 1024 tokens). Default `false`. */
  readonly promptCache?: boolean;
  /** Largest accepted request body in bytes (413 above). Default 8 MiB. */
  readonly maxBodyBytes?: number;
}

/**
 * A running mock server. See {@link startMockOpenAI}.
 *
 * Chat answers come from, in order: a queued fault (`failNext`/`faults`, which does
 * not consume the script), the script, the first matching route, the responder,
 * and finally the deterministic `defaultResponder`.
 *
 * Billing: a response is billed once it has been (at least partly) sent.
 * Error statuses, resets before any event and hangs are never billed. A request the client aborts
 * during latency is recorded with `aborted: true` and is NOT billed, unless its
 * spec sets `billOnAbort: true`. A stream the client leaves early is billed
 * partially (input in full, output pro rata), and so is one the server cuts
 * short (`truncated`, or `reset` with `afterEvents`).
 *
 * @example
 * ```ts
 * await using server = await startMockOpenAI();
 * const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
 * server.script({ content: "Hello!" });
 * const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
 * server.totalBilled().totalTokens; // > 0
 * ```
 */
export interface MockOpenAIServer extends AsyncDisposable {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:54321/v1`: pass as the SDK's `baseURL`. */
  readonly url: string;
  readonly port: number;
  /** `false` once closed. */
  readonly listening: boolean;
  /** Every request received (after its body was read), in arrival order. Updated in place. */
  readonly requests: readonly RecordedRequest[];
  /** Usage billed per response, in billing order. */
  readonly billed: readonly BilledUsage[];
  /** Number of scripted responses not consumed yet. */
  readonly scriptRemaining: number;
  /** Sum of {@link MockOpenAIServer.billed}. */
  totalBilled(): UsageTotals;
  /** Queues responses for the next chat requests, consumed in order. */
  script(...responses: readonly MockResponseSpec[]): void;
  /** Replaces the responder (`undefined` to go back to routes/default). */
  setResponder(responder: MockResponder | undefined): void;
  /** Applies `fault` to the next `n` chat requests (before the script is consulted). */
  failNext(n: number, fault: Fault): void;
  /**
   * Forgets recorded requests, billing and the prompt cache, empties the script
   * and queued faults, and restores the responder and routes from the options.
   */
  reset(): void;
  /** Resolves once at least `count` requests were recorded; rejects after `timeoutMs` (default 2000). */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  /** Resolves when no request is in flight; rejects after `timeoutMs` (default 2000). */
  idle(timeoutMs?: number): Promise<void>;
  /** Aborts in-flight requests, destroys all sockets and stops listening. Idempotent. */
  close(): Promise<void>;
}
