/**
 * Turns what the OpenAI SDK throws into {@link AgentRequestError}s that say
 * whether to retry.
 */
import OpenAI from "openai";
import { AgentConfigError, AgentRequestError, UnknownModelPriceError } from "../errors.js";

const RETRYABLE_STATUS = new Set([408, 409, 429]);

/** `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, in milliseconds. */
const retryAfterMs = (headers: Headers | undefined): number | undefined => {
  if (headers === undefined) return undefined;
  const ms = Number(headers.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
};

const advice = (status: number): string => {
  switch (status) {
    case 401:
      return "Authentication failed: check OPENAI_API_KEY (or the client's apiKey). Not retried.";
    case 403:
      return "Permission denied for this model or project. Not retried.";
    case 404:
      return "Not found: check the model id and the client's baseURL. Not retried.";
    case 400:
    case 422:
      return "The request was rejected as invalid. Not retried.";
    default:
      return "";
  }
};

/**
 * Whether a request that failed with `error` may have been billed without
 * the bill reaching us: it was aborted, the connection was lost, or the
 * reply could not be read. An HTTP error status (the provider refused or
 * failed the request) is not billed.
 */
export const billingUnknown = (error: unknown): boolean => {
  if (error instanceof AgentRequestError) return error.status === undefined || error.status < 400;
  if (error instanceof OpenAI.APIError) return typeof error.status !== "number";
  if (error instanceof SyntaxError) return true;
  if (error instanceof TypeError && error.message === "terminated") return true;
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
};

/** The printable start of a reply body, for an error message. */
const firstBytes = (body: unknown): string => {
  const text = typeof body === "string" ? body : (JSON.stringify(body) ?? String(body));
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
};

/**
 * The error for a reply with a success status that is not a chat completion
 * (JSON without `choices`, a proxy's HTML page): retryable, since a proxy's
 * page is usually transient, and saying what came back.
 */
export const notACompletion = (model: string, status: number, contentType: string | null, body: unknown): AgentRequestError =>
  new AgentRequestError({
    model,
    status,
    retryable: true,
    retryAfterMs: undefined,
    detail: `the reply is not a chat completion (content-type ${contentType ?? "missing"}; it begins ${JSON.stringify(firstBytes(body))}). Check the client's baseURL, and any proxy in between.`,
  });

/** Whether a parsed reply is shaped as a chat completion: an object with a `choices` array whose first entry has a message. */
export const isChatCompletion = (body: unknown): boolean => {
  if (typeof body !== "object" || body === null) return false;
  const choices = (body as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  const first: unknown = choices[0];
  return typeof first === "object" && first !== null && typeof (first as { message?: unknown }).message === "object";
};

/** Maps an SDK error to an {@link AgentRequestError}; anything else is returned unchanged. */
export const toAgentError = (model: string, error: unknown): unknown => {
  if (error instanceof OpenAI.APIUserAbortError) return error;
  if (error instanceof OpenAI.APIConnectionError) {
    return new AgentRequestError({
      model,
      status: undefined,
      retryable: true,
      retryAfterMs: undefined,
      detail: error instanceof OpenAI.APIConnectionTimeoutError ? "the request timed out" : `connection error (${error.message})`,
      cause: error,
    });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const status = error.status;
    const retryable = RETRYABLE_STATUS.has(status) || status >= 500;
    const detail = [error.message, advice(status)].filter((part) => part.length > 0).join(" ");
    return new AgentRequestError({ model, status, retryable, retryAfterMs: retryAfterMs(error.headers), detail, cause: error });
  }
  if (error instanceof TypeError && error.message === "terminated") {
    // Node's fetch, when the connection closes while a body (such as a stream) is still being read.
    const reason = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return new AgentRequestError({
      model,
      status: undefined,
      retryable: true,
      retryAfterMs: undefined,
      detail: `the connection closed before the response was complete${reason}`,
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new AgentRequestError({
      model,
      status: 200,
      retryable: true,
      retryAfterMs: undefined,
      detail: `the response body is not valid JSON (${error.message})`,
      cause: error,
    });
  }
  return error;
};

/**
 * Whether a call failed for a reason that neither a retry nor another input
 * can fix: the agent or its client is set up wrongly (no API key, no price
 * under a budget), or the provider refused the request as such (401, 403,
 * 404 for an unknown model or wrong baseURL, or another 4xx that is not
 * retried). Transient failures (timeouts, 408/409/429/5xx, lost
 * connections) and replies that fail the output schema are not.
 */
export const isConfigurationError = (error: unknown): boolean => {
  if (error instanceof AgentConfigError || error instanceof UnknownModelPriceError) return true;
  return error instanceof AgentRequestError && !error.retryable && error.status !== undefined && error.status >= 400 && error.status < 500;
};
