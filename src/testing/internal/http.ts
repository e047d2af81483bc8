/** Small `node:http` helpers: bounded body reading, JSON/error answers, cancellable waits. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Reads the request body, rejecting bodies over `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<{ text: string } | { tooLarge: true }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? { tooLarge: true } : { text: Buffer.concat(chunks).toString("utf8") }));
    req.on("error", reject);
  });
}

/** Writes a complete JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

const ERROR_KINDS: Readonly<Record<number, { type: string; code: string | null; message: string }>> = {
  400: { type: "invalid_request_error", code: null, message: "Bad request." },
  401: { type: "invalid_request_error", code: "invalid_api_key", message: "Incorrect API key provided." },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory", message: "Forbidden." },
  404: { type: "invalid_request_error", code: "not_found", message: "Not found." },
  413: { type: "invalid_request_error", code: "request_too_large", message: "Request body too large." },
  429: { type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached for requests." },
  500: { type: "server_error", code: null, message: "The server had an error while processing your request." },
  503: { type: "server_error", code: "service_unavailable", message: "The server is overloaded." },
};

/** The OpenAI error envelope `{ error: { message, type, param, code } }` for a status. */
export function errorJson(status: number, message?: string): { error: Record<string, unknown> } {
  const kind = ERROR_KINDS[status] ?? {
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
    message: `Mock error ${status}.`,
  };
  return { error: { message: message ?? kind.message, type: kind.type, param: null, code: kind.code } };
}

/** Writes an OpenAI-shaped error answer. */
export function sendError(
  res: ServerResponse,
  status: number,
  options: { readonly message?: string; readonly retryAfter?: number; readonly body?: unknown } = {},
): void {
  const headers: Record<string, string> = {};
  if (options.retryAfter !== undefined) headers["retry-after"] = String(options.retryAfter);
  sendJson(res, status, options.body ?? errorJson(status, options.message), headers);
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts (the timer is cleared). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves when `signal` aborts: a request that never gets an answer. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
