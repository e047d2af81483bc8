/**
 * Turns what the OpenAI SDK throws into {@link AgentRequestError}s that say
 * whether to retry.
 */
import OpenAI from "openai";
import { AgentRequestError } from "../errors.js";

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
