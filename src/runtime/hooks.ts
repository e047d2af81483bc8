/**
 * Dispatch hooks: code an application runs before and after every model
 * request (a circuit breaker, an audit log, a per-tenant quota). The runtime
 * carries them (pipeline settings, run options, a parent run's) without
 * calling them; the agents run them around each request
 * (agents/internal/hooks.ts), after the request was paced and reserved.
 */
import * as Data from "effect/Data";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { brandErrors } from "./stepgraph-error.js";
import type { Usage } from "./usage.js";

/** One model request as the hooks see it, before it is sent. */
export interface CallRequest {
  /** The pipeline whose step makes the request (a sub-pipeline's own name inside it). */
  readonly pipeline: string;
  readonly stepId: string;
  /** The run's id (`ctx.runId`). */
  readonly runId: string;
  /** The step's attempt, from 1 (`ctx.attempt`). */
  readonly stepAttempt: number;
  /** The attempt of this request under the call's own `retries`, from 1. */
  readonly callAttempt: number;
  /** The request's turn in the tool-call loop, from 1 (always 1 for a stream). */
  readonly turn: number;
  /** The model id, without a provider prefix. */
  readonly model: string;
  readonly stream: boolean;
  /** The messages about to be sent (a copy). */
  readonly messages: ReadonlyArray<ChatCompletionMessageParam>;
  /** Upper bound on output tokens, when the agent or the call sets one. */
  readonly maxTokens: number | undefined;
  /** The prompt's input tokens as the budget estimates them (a real tokenizer; tools and response format included). */
  readonly estimatedInputTokens: number;
  /** What the request reserved in the budgets it falls under, in nano-USD; `undefined` when no budget is in force. */
  readonly reservedNanoUsd: number | undefined;
}

/**
 * How a request ended, as `afterCall` sees it: its billed usage (tokens,
 * cost in nano-USD and USD) and reply text, or the error the request failed
 * with (already the agent's error, such as an `AgentRequestError`).
 */
export type CallOutcome =
  | {
      readonly ok: true;
      readonly request: CallRequest;
      /** What this request was billed (an abandoned stream with no usage chunk counts one `abandonedCalls`). */
      readonly usage: Usage;
      /** The reply's text; empty for a reply that only calls tools. */
      readonly text: string;
      /** From just before the request was sent until its reply was read, in milliseconds. */
      readonly durationMs: number;
    }
  | {
      readonly ok: false;
      readonly request: CallRequest;
      readonly error: unknown;
      readonly durationMs: number;
    };

/** What a hook is given besides the request or outcome. */
export interface CallHookContext {
  /** The request's signal: aborted when the step's attempt is interrupted or the call's timeout passes. */
  readonly signal: AbortSignal;
}

/**
 * Hooks around every model request of a step's calls: each tool-loop turn,
 * each retry attempt, streams too.
 *
 * - `beforeCall` runs after the request was paced by the rate limit and its
 *   worst case reserved in the budgets, just before it is sent. Throwing
 *   {@link CallSkippedError} (or a subclass) skips it: nothing is sent, the
 *   reservation is released (the rate-limit slot stays used), and the call
 *   fails with that error, retried neither by the call's `retries` nor by
 *   the step's. Any other error it throws does the same. The hooks after it
 *   and every `afterCall` are not run for a request that was not sent.
 * - `afterCall` runs when the request has been answered (or failed) and
 *   accounted. An error it throws fails the call with that error, not
 *   retried either; every `afterCall` still runs, and the first error
 *   thrown is the call's.
 *
 * Async hooks are awaited, inside the call's timeout. Each phase is in the
 * trace as a `hook` event (and a `hook beforeCall` / `hook afterCall` span).
 *
 * @example
 * ```ts
 * const audit: CallHooks = {
 *   beforeCall: (request) => console.log(`${request.stepId} → ${request.model}, ~${request.estimatedInputTokens} tokens`),
 *   afterCall: (outcome) => console.log(outcome.ok ? `${outcome.usage.costNanoUsd} nano-USD` : `failed: ${String(outcome.error)}`),
 * };
 * await p.run(input, { hooks: audit });
 * ```
 */
export interface CallHooks {
  readonly beforeCall?: ((request: CallRequest, ctx: CallHookContext) => void | PromiseLike<void>) | undefined;
  readonly afterCall?: ((outcome: CallOutcome, ctx: CallHookContext) => void | PromiseLike<void>) | undefined;
}

/** What a `hooks` option takes: one set of hooks, or several, run in order. */
export type CallHooksOption = CallHooks | ReadonlyArray<CallHooks>;

const NO_HOOKS: ReadonlyArray<CallHooks> = [];

/** A `hooks` option as a list. */
export const hookList = (option: CallHooksOption | undefined): ReadonlyArray<CallHooks> =>
  option === undefined ? NO_HOOKS : Array.isArray(option) ? (option as ReadonlyArray<CallHooks>) : [option as CallHooks];

/** Lists of hooks, outermost first, as one (the same list when only one has any). */
export const concatHooks = (...lists: ReadonlyArray<ReadonlyArray<CallHooks>>): ReadonlyArray<CallHooks> => {
  const nonEmpty = lists.filter((list) => list.length > 0);
  return nonEmpty.length === 0 ? NO_HOOKS : nonEmpty.length === 1 ? nonEmpty[0]! : nonEmpty.flat();
};

/** Throws a TypeError naming `what` unless `option` is hooks (an object of functions, or a list of them). */
export const checkHooks = (option: unknown, what: string): void => {
  if (option === undefined) return;
  for (const hooks of Array.isArray(option) ? option : [option]) {
    if (typeof hooks !== "object" || hooks === null) throw new TypeError(`${what}: hooks must be an object with beforeCall and/or afterCall functions, got ${String(hooks)}.`);
    for (const name of ["beforeCall", "afterCall"] as const) {
      const hook: unknown = (hooks as Record<string, unknown>)[name];
      if (hook !== undefined && typeof hook !== "function") throw new TypeError(`${what}: hooks.${name} must be a function, got ${typeof hook}.`);
    }
  }
};

/**
 * Thrown by a `beforeCall` hook to skip a model request: nothing is sent,
 * and the call (`ctx.run`, `ctx.stream`) fails with this error, which is not
 * retried. Subclass it to say why (`class QuotaExceeded extends CallSkippedError {}`).
 *
 * @example
 * ```ts
 * const breaker: CallHooks = {
 *   beforeCall: () => {
 *     if (failures >= 5) throw new CallSkippedError({ reason: "circuit open after 5 failures" });
 *   },
 *   afterCall: (outcome) => void (failures = outcome.ok ? 0 : failures + 1),
 * };
 * ```
 */
export class CallSkippedError extends Data.TaggedError("CallSkippedError")<{
  /** Why the request was skipped. */
  readonly reason: string;
  readonly cause?: unknown;
}> {
  readonly retryable = false;

  override get message(): string {
    return `A beforeCall hook skipped the model request: ${this.reason}`;
  }
}

brandErrors(CallSkippedError);
