/** `POST /v1/chat/completions`: picks the response spec, applies latency and faults, answers and bills. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { completionJson, generated, outputChars, streamFrames, type CompletionMeta, type Generated, type Usage } from "./completion.js";
import { sendError, sendJson, sleep, untilAborted } from "./http.js";
import { parseChatRequest } from "./request.js";
import { defaultResponder, routeResponder } from "./responders.js";
import { inputTokens, outputTokens, type PromptCache } from "./tokens.js";
import type { BilledUsage, Fault, MockChatRequest, MockResponder, MockResponseSpec, MockRoute, RecordedRequest } from "./types.js";

/** A recorded request as the server mutates it. */
export type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

/** One request/response pair in flight. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly record: MutableRecord;
  /** Aborts when the client disconnects or the server closes. */
  readonly signal: AbortSignal;
  /** Marks a disconnect as caused by the server (so it is not reported as a client abort). */
  serverDisconnect(): void;
}

/** What the chat handler needs from the server. */
export interface ChatDeps {
  nextFault(): Fault | undefined;
  nextScripted(): MockResponseSpec | undefined;
  readonly responder: MockResponder | undefined;
  readonly routes: readonly MockRoute[];
  readonly defaultLatencyMs: number;
  readonly promptCache: PromptCache | undefined;
  bill(entry: BilledUsage): void;
}

interface Answer {
  readonly request: MockChatRequest;
  readonly meta: CompletionMeta;
  readonly message: Generated;
  readonly usage: Usage;
}

function answer(ex: Exchange, request: MockChatRequest, spec: MockResponseSpec, deps: ChatDeps): Answer {
  const message = generated(spec, ex.record.id);
  const input = spec.usage?.inputTokens ?? inputTokens(request);
  const cached = spec.usage?.cachedInputTokens ?? Math.min(input, deps.promptCache?.lookup(request) ?? 0);
  return {
    request,
    meta: { id: `chatcmpl-${ex.record.id}`, created: Math.floor(Date.now() / 1000), model: request.model },
    message,
    usage: { inputTokens: input, outputTokens: spec.usage?.outputTokens ?? outputTokens(message), cachedInputTokens: cached },
  };
}

function bill(ex: Exchange, deps: ChatDeps, a: Answer, outputShare = 1): void {
  const partial = outputShare < 1;
  deps.bill({
    requestId: ex.record.id,
    model: a.request.model,
    inputTokens: a.usage.inputTokens,
    outputTokens: partial ? Math.round(a.usage.outputTokens * outputShare) : a.usage.outputTokens,
    cachedInputTokens: a.usage.cachedInputTokens,
    partial,
  });
}

async function resolveSpec(request: MockChatRequest, deps: ChatDeps): Promise<MockResponseSpec> {
  const scripted = deps.nextScripted();
  if (scripted !== undefined) return scripted;
  const routed = routeResponder(deps.routes, request);
  return (await routed?.(request)) ?? (await deps.responder?.(request)) ?? defaultResponder(request);
}

/** How a stream is cut short: it ends cleanly after half its events, or its socket is destroyed after `afterEvents`. */
type Cut = { readonly type: "truncated" } | { readonly type: "reset"; readonly afterEvents: number };

/** Writes SSE frames, billing in full just before the finish chunk or partially if cut short. */
async function stream(ex: Exchange, deps: ChatDeps, a: Answer, delayMs: number, cut?: Cut): Promise<void> {
  const frames = streamFrames(a.meta, a.message, a.request.includeUsage ? a.usage : undefined);
  const limit =
    cut === undefined ? frames.length : cut.type === "truncated" ? Math.ceil(frames.length / 2) : Math.min(cut.afterEvents, frames.length);
  const total = outputChars(a.message);
  ex.res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  let sent = 0;
  let billed = false;
  for (const [i, frame] of frames.slice(0, limit).entries()) {
    if (ex.signal.aborted || ex.res.destroyed) break;
    if (frame.finish && !billed) {
      bill(ex, deps, a);
      billed = true;
    }
    const flushed = new Promise<void>((resolve) => ex.res.write(`data: ${frame.data}\n\n`, () => resolve()));
    // A reset must not discard the events it was meant to let through.
    if (cut?.type === "reset" && i === limit - 1) await flushed;
    sent += frame.outputChars;
    if (delayMs > 0 && i < limit - 1 && !(await sleep(delayMs, ex.signal))) break;
  }
  if (!billed) bill(ex, deps, a, total === 0 ? 0.5 : Math.min(0.999, sent / total));
  if (cut?.type === "reset") {
    ex.serverDisconnect();
    ex.req.socket.destroy();
    return;
  }
  if (!ex.res.destroyed) ex.res.end();
}

/** Applies `fault`; `delayMs` spaces the events of a stream it cuts short. */
async function applyFault(ex: Exchange, fault: Fault, a: Answer, deps: ChatDeps, delayMs = 0): Promise<void> {
  ex.record.fault = fault.type;
  switch (fault.type) {
    case "latency":
      return;
    case "status":
      return sendError(ex.res, fault.status, {
        ...(fault.retryAfter !== undefined ? { retryAfter: fault.retryAfter } : {}),
        ...(fault.body !== undefined ? { body: fault.body } : {}),
        ...(fault.message !== undefined ? { message: fault.message } : {}),
      });
    case "reset":
      if (fault.afterEvents !== undefined && a.request.stream) {
        return stream(ex, deps, a, delayMs, { type: "reset", afterEvents: fault.afterEvents });
      }
      ex.serverDisconnect();
      ex.req.socket.destroy();
      return;
    case "hang":
      return untilAborted(ex.signal);
    case "malformed":
      bill(ex, deps, a);
      return sendJson(ex.res, 200, `{"id":"${a.meta.id}","object":"chat.completion","choices":[{ this is not json`);
    case "truncated": {
      if (a.request.stream) return stream(ex, deps, a, 0, { type: "truncated" });
      const body = JSON.stringify(completionJson(a.meta, a.message, a.usage));
      bill(ex, deps, a, 0.5);
      ex.res.writeHead(200, { "content-type": "application/json" });
      ex.res.end(body.slice(0, Math.floor(body.length / 2)));
      return;
    }
  }
}

/** Handles one chat completion request whose JSON body is already in `ex.record.body`. */
export async function handleChat(ex: Exchange, deps: ChatDeps): Promise<void> {
  const parsed = parseChatRequest(ex.record.body, ex.req.headers);
  if (!parsed.ok) return sendError(ex.res, 400, { message: parsed.error });
  const request = parsed.request;

  const queued = deps.nextFault();
  if (queued !== undefined && queued.type !== "latency") {
    // A queued fault does not consume the script: the retry gets the scripted answer.
    return applyFault(ex, queued, answer(ex, request, defaultResponder(request), deps), deps);
  }

  let spec: MockResponseSpec;
  try {
    spec = await resolveSpec(request, deps);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return sendError(ex.res, 500, { message: `Mock responder failed: ${reason}` });
  }
  const a = answer(ex, request, spec, deps);
  const latency =
    (queued?.type === "latency" ? queued.ms : 0) +
    (spec.fault?.type === "latency" ? spec.fault.ms : 0) +
    (spec.latencyMs ?? deps.defaultLatencyMs);
  if (queued?.type === "latency" || spec.fault?.type === "latency") ex.record.fault = "latency";

  if (!(await sleep(latency, ex.signal))) {
    if (spec.billOnAbort === true && ex.record.aborted) bill(ex, deps, a);
    return;
  }
  if (spec.fault !== undefined && spec.fault.type !== "latency") return applyFault(ex, spec.fault, a, deps, spec.chunkDelayMs ?? 0);
  if (spec.status !== undefined && spec.status >= 400) return sendError(ex.res, spec.status);
  if (request.stream) return stream(ex, deps, a, spec.chunkDelayMs ?? 0);
  bill(ex, deps, a);
  sendJson(ex.res, spec.status ?? 200, completionJson(a.meta, a.message, a.usage));
}
