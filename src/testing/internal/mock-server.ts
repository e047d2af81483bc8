/** The server state behind {@link MockOpenAIServer}: recording, billing, script, faults and routing. */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleChat, type ChatDeps, type Exchange, type MutableRecord } from "./chat.js";
import { readBody, sendError, sendJson } from "./http.js";
import type { MockOpenAIOptions, MockOpenAIServer } from "./server-types.js";
import { PromptCache } from "./tokens.js";
import type {
  BilledUsage,
  Fault,
  MockResponder,
  MockResponseSpec,
  MockRoute,
  RecordedRequest,
  RequestOutcome,
  UsageTotals,
} from "./types.js";

const DEFAULT_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-5-mini", "text-embedding-3-small"];

interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Faults that end the response abnormally (or answer what is not a completion); a request that got one is recorded with outcome `"fault"`. */
const ENDING_FAULTS: ReadonlySet<Fault["type"]> = new Set(["reset", "truncated", "malformed", "raw"]);

/** How a finished request ended, from its record and its response, checked in this order. */
function outcomeOf(record: RecordedRequest, res: ServerResponse): RequestOutcome {
  if (record.aborted) return "aborted";
  if (record.fault !== undefined && ENDING_FAULTS.has(record.fault)) return "fault";
  if (!res.writableEnded) return "closed";
  if (res.statusCode >= 400) return "error";
  return "completed";
}

/** Implementation of {@link MockOpenAIServer}; `handle` is the `node:http` request listener. */
export class MockServer implements MockOpenAIServer {
  readonly requests: MutableRecord[] = [];
  readonly billed: BilledUsage[] = [];
  readonly #server: Server;
  readonly #options: MockOpenAIOptions;
  readonly #models: readonly string[];
  readonly #active = new Set<AbortController>();
  readonly #waiters = new Set<Waiter>();
  readonly #cache: PromptCache | undefined;
  #script: MockResponseSpec[] = [];
  #faults: Fault[] = [];
  #responder: MockResponder | undefined;
  #routes: readonly MockRoute[];
  #seq = 0;
  #closing: Promise<void> | undefined;

  constructor(server: Server, options: MockOpenAIOptions) {
    this.#server = server;
    this.#options = options;
    this.#models = options.models ?? DEFAULT_MODELS;
    this.#cache = options.promptCache === true ? new PromptCache() : undefined;
    this.#responder = options.responder;
    this.#routes = options.routes ?? [];
    this.#script = [...(options.script ?? [])];
    this.#faults = [...(options.faults ?? [])];
  }

  get port(): number {
    return (this.#server.address() as AddressInfo | null)?.port ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  get listening(): boolean {
    return this.#server.listening;
  }

  get scriptRemaining(): number {
    return this.#script.length;
  }

  totalBilled(): UsageTotals {
    const sum = (pick: (usage: BilledUsage) => number): number => this.billed.reduce((total, usage) => total + pick(usage), 0);
    const inputTokens = sum((usage) => usage.inputTokens);
    const outputTokens = sum((usage) => usage.outputTokens);
    return {
      inputTokens,
      outputTokens,
      cachedInputTokens: sum((usage) => usage.cachedInputTokens),
      cacheWriteInputTokens: sum((usage) => usage.cacheWriteInputTokens),
      inputAudioTokens: sum((usage) => usage.inputAudioTokens),
      reasoningTokens: sum((usage) => usage.reasoningTokens),
      outputAudioTokens: sum((usage) => usage.outputAudioTokens),
      totalTokens: inputTokens + outputTokens,
      responses: this.billed.length,
    };
  }

  script(...responses: readonly MockResponseSpec[]): void {
    this.#script.push(...responses);
  }

  setResponder(responder: MockResponder | undefined): void {
    this.#responder = responder;
  }

  failNext(count: number, fault: Fault): void {
    for (let queued = 0; queued < count; queued++) this.#faults.push(fault);
  }

  reset(): void {
    this.requests.length = 0;
    this.billed.length = 0;
    this.#script = [];
    this.#faults = [];
    this.#responder = this.#options.responder;
    this.#routes = this.#options.routes ?? [];
    this.#cache?.clear();
  }

  waitForRequests(count: number, timeoutMs = 2000): Promise<readonly RecordedRequest[]> {
    return this.#wait(() => this.requests.length >= count, timeoutMs, `${count} request(s)`).then(() => this.requests);
  }

  idle(timeoutMs = 2000): Promise<void> {
    return this.#wait(() => this.#active.size === 0, timeoutMs, "idle");
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const controller of this.#active) controller.abort();
      for (const waiter of this.#waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error("mock OpenAI server closed"));
      }
      this.#waiters.clear();
      // The handles finish closing in the event loop's close phase: wait past it.
      this.#server.close(() => setImmediate(() => setImmediate(resolve)));
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #wait(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    if (this.#closing !== undefined) return Promise.reject(new Error("mock OpenAI server closed"));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        ready,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new Error(`mock OpenAI server: timed out after ${timeoutMs}ms waiting for ${what}`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  #notify(): void {
    for (const waiter of this.#waiters) {
      if (!waiter.ready()) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }

  #deps(): ChatDeps {
    return {
      nextFault: () => this.#faults.shift(),
      nextScripted: () => this.#script.shift(),
      responder: this.#responder,
      routes: this.#routes,
      defaultLatencyMs: this.#options.latencyMs ?? 0,
      promptCache: this.#cache,
      bill: (entry) => this.billed.push(entry),
    };
  }

  /** Entry point for every HTTP request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    this.#active.add(controller);
    const record: MutableRecord = {
      id: `req_${++this.#seq}`,
      method: req.method ?? "GET",
      path: new URL(req.url ?? "/", "http://127.0.0.1").pathname,
      body: undefined,
      headers: req.headers,
      receivedAt: Date.now(),
      aborted: false,
      outcome: "pending",
      status: undefined,
      fault: undefined,
      finishedAt: undefined,
    };
    let serverDisconnect = false;
    res.on("close", () => {
      if (!res.writableFinished && !serverDisconnect && this.#closing === undefined) record.aborted = true;
      controller.abort();
    });
    res.setHeader("x-request-id", record.id);
    const exchange: Exchange = { req, res, record, signal: controller.signal, serverDisconnect: () => (serverDisconnect = true) };
    try {
      await this.#route(exchange);
    } catch (error) {
      sendError(res, 500, { message: `Mock server error: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      record.status = res.headersSent ? res.statusCode : undefined;
      record.outcome = outcomeOf(record, res);
      record.finishedAt = Date.now();
      this.#active.delete(controller);
      this.#notify();
    }
  }

  async #route(exchange: Exchange): Promise<void> {
    const { req, res, record } = exchange;
    const body = await readBody(req, this.#options.maxBodyBytes ?? 8 * 1024 * 1024);
    const text = "text" in body ? body.text : "";
    let json: unknown = undefined;
    let invalidJson = false;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
        invalidJson = true;
      }
    }
    record.body = json;
    this.requests.push(record);
    this.#notify();

    if ("tooLarge" in body) return sendError(res, 413);
    const key = this.#options.apiKey;
    if (key !== undefined && req.headers.authorization !== `Bearer ${key}`) return sendError(res, 401);
    const path = record.path.replace(/\/+$/, "");
    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, { object: "list", data: this.#models.map((id) => this.#model(id)) });
    }
    const model = /^\/v1\/models\/([^/]+)$/.exec(path)?.[1];
    if (req.method === "GET" && model !== undefined) {
      const id = decodeURIComponent(model);
      return this.#models.includes(id)
        ? sendJson(res, 200, this.#model(id))
        : sendError(res, 404, { message: `The model '${id}' does not exist` });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      if (invalidJson) return sendError(res, 400, { message: "We could not parse the JSON body of your request." });
      return handleChat(exchange, this.#deps());
    }
    return sendError(res, 404, { message: `Unknown request URL: ${req.method ?? "GET"} ${record.path}.` });
  }

  #model(id: string): Record<string, unknown> {
    return { id, object: "model", created: 1_700_000_000, owned_by: "stepgraph-mock" };
  }
}
