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

function prepareAnswer(exchange: Exchange, request: MockChatRequest, spec: MockResponseSpec, deps: ChatDeps): Answer {
  const message = generated(spec, exchange.record.id);
  const input = spec.usage?.inputTokens ?? inputTokens(request);
  const cached = spec.usage?.cachedInputTokens ?? Math.min(input, deps.promptCache?.lookup(request) ?? 0);
  return {
    request,
    meta: { id: `chatcmpl-${exchange.record.id}`, created: Math.floor(Date.now() / 1000), model: request.model },
    message,
    usage: {
      inputTokens: input,
      outputTokens: spec.usage?.outputTokens ?? outputTokens(message),
      cachedInputTokens: cached,
      cacheWriteInputTokens: spec.usage?.cacheWriteInputTokens ?? 0,
      inputAudioTokens: spec.usage?.inputAudioTokens ?? 0,
      reasoningTokens: spec.usage?.reasoningTokens ?? 0,
      outputAudioTokens: spec.usage?.outputAudioTokens ?? 0,
      style: spec.usage?.style ?? "openai",
    },
  };
}

function bill(exchange: Exchange, deps: ChatDeps, answer: Answer, outputShare = 1): void {
  const partial = outputShare < 1;
  deps.bill({
    requestId: exchange.record.id,
    model: answer.request.model,
    inputTokens: answer.usage.inputTokens,
    outputTokens: partial ? Math.round(answer.usage.outputTokens * outputShare) : answer.usage.outputTokens,
    cachedInputTokens: answer.usage.cachedInputTokens,
    cacheWriteInputTokens: answer.usage.cacheWriteInputTokens,
    inputAudioTokens: answer.usage.inputAudioTokens,
    reasoningTokens: answer.usage.reasoningTokens,
    outputAudioTokens: answer.usage.outputAudioTokens,
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
async function stream(exchange: Exchange, deps: ChatDeps, answer: Answer, delayMs: number, cut?: Cut): Promise<void> {
  const frames = streamFrames(answer.meta, answer.message, answer.request.includeUsage ? answer.usage : undefined);
  const limit =
    cut === undefined ? frames.length : cut.type === "truncated" ? Math.ceil(frames.length / 2) : Math.min(cut.afterEvents, frames.length);
  const total = outputChars(answer.message);
  exchange.res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  let sent = 0;
  let billed = false;
  for (const [index, frame] of frames.slice(0, limit).entries()) {
    if (exchange.signal.aborted || exchange.res.destroyed) break;
    if (frame.finish && !billed) {
      bill(exchange, deps, answer);
      billed = true;
    }
    const flushed = new Promise<void>((resolve) => exchange.res.write(`data: ${frame.data}\n\n`, () => resolve()));
    // A reset must not discard the events it was meant to let through.
    if (cut?.type === "reset" && index === limit - 1) await flushed;
    sent += frame.outputChars;
    if (delayMs > 0 && index < limit - 1 && !(await sleep(delayMs, exchange.signal))) break;
  }
  if (!billed) bill(exchange, deps, answer, total === 0 ? 0.5 : Math.min(0.999, sent / total));
  if (cut?.type === "reset") {
    exchange.serverDisconnect();
    exchange.req.socket.destroy();
    return;
  }
  if (!exchange.res.destroyed) exchange.res.end();
}

/** Applies `fault`; `delayMs` spaces the events of a stream it cuts short. */
async function applyFault(exchange: Exchange, fault: Fault, answer: Answer, deps: ChatDeps, delayMs = 0): Promise<void> {
  exchange.record.fault = fault.type;
  switch (fault.type) {
    case "latency":
      return;
    case "status":
      return sendError(exchange.res, fault.status, {
        ...(fault.retryAfter !== undefined ? { retryAfter: fault.retryAfter } : {}),
        ...(fault.body !== undefined ? { body: fault.body } : {}),
        ...(fault.message !== undefined ? { message: fault.message } : {}),
      });
    case "reset":
      if (fault.afterEvents !== undefined && answer.request.stream) {
        return stream(exchange, deps, answer, delayMs, { type: "reset", afterEvents: fault.afterEvents });
      }
      if (fault.afterBytes !== undefined && !answer.request.stream) {
        const body = JSON.stringify(completionJson(answer.meta, answer.message, answer.usage));
        bill(exchange, deps, answer);
        exchange.res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
        await new Promise<void>((resolve) => exchange.res.write(body.slice(0, fault.afterBytes), () => resolve()));
        exchange.serverDisconnect();
        exchange.req.socket.destroy();
        return;
      }
      exchange.serverDisconnect();
      exchange.req.socket.destroy();
      return;
    case "hang":
      return untilAborted(exchange.signal);
    case "raw":
      return sendJson(exchange.res, fault.status ?? 200, fault.body, { "content-type": fault.contentType ?? "application/json" });
    case "malformed":
      bill(exchange, deps, answer);
      return sendJson(exchange.res, 200, `{"id":"${answer.meta.id}","object":"chat.completion","choices":[{ this is not json`);
    case "truncated": {
      if (answer.request.stream) return stream(exchange, deps, answer, 0, { type: "truncated" });
      const body = JSON.stringify(completionJson(answer.meta, answer.message, answer.usage));
      bill(exchange, deps, answer, 0.5);
      exchange.res.writeHead(200, { "content-type": "application/json" });
      exchange.res.end(body.slice(0, Math.floor(body.length / 2)));
      return;
    }
  }
}

/** Handles one chat completion request whose JSON body is already in `exchange.record.body`. */
export async function handleChat(exchange: Exchange, deps: ChatDeps): Promise<void> {
  const parsed = parseChatRequest(exchange.record.body, exchange.req.headers);
  if (!parsed.ok) return sendError(exchange.res, 400, { message: parsed.error });
  const request = parsed.request;

  const queued = deps.nextFault();
  if (queued !== undefined && queued.type !== "latency") {
    // A queued fault does not consume the script: the retry gets the scripted answer.
    return applyFault(exchange, queued, prepareAnswer(exchange, request, defaultResponder(request), deps), deps);
  }

  let spec: MockResponseSpec;
  try {
    spec = await resolveSpec(request, deps);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return sendError(exchange.res, 500, { message: `Mock responder failed: ${reason}` });
  }
  const answer = prepareAnswer(exchange, request, spec, deps);
  const latency =
    (queued?.type === "latency" ? queued.ms : 0) +
    (spec.fault?.type === "latency" ? spec.fault.ms : 0) +
    (spec.latencyMs ?? deps.defaultLatencyMs);
  if (queued?.type === "latency" || spec.fault?.type === "latency") exchange.record.fault = "latency";

  if (!(await sleep(latency, exchange.signal))) {
    if (spec.billOnAbort === true && exchange.record.aborted) bill(exchange, deps, answer);
    return;
  }
  if (spec.fault !== undefined && spec.fault.type !== "latency") return applyFault(exchange, spec.fault, answer, deps, spec.chunkDelayMs ?? 0);
  if (spec.status !== undefined && spec.status >= 400) return sendError(exchange.res, spec.status);
  if (request.stream) return stream(exchange, deps, answer, spec.chunkDelayMs ?? 0);
  bill(exchange, deps, answer);
  sendJson(exchange.res, spec.status ?? 200, completionJson(answer.meta, answer.message, answer.usage));
}
