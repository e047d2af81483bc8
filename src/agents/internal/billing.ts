/**
 * Reservation, settlement and recording of one model request's cost.
 */
import type { CompletionUsage } from "openai/resources/completions";
import { reserve, type Reservation } from "../../runtime/budget.js";
import type { CallSite, ModelCallHost } from "../../runtime/host.js";
import type { ModelCallDetail } from "../../runtime/telemetry.js";
import { addUsage, emptyUsage, nanoToUsd, noTokens, type TokenCounts, type Usage } from "../../runtime/usage.js";
import { UnknownModelPriceError } from "../errors.js";
import type { PriceTable } from "../../runtime/prices.js";
import { costNanoUsd, worstCaseNanoUsd, type Rates } from "../pricing.js";
import { estimateInputTokens } from "../tokens.js";
import { billingUnknown } from "./errors.js";
import { findRates } from "./price-database.js";

/** The usage fields OpenAI-compatible servers add beside OpenAI's own (as proxies of Anthropic models report cache use). */
interface CompatibleUsage {
  readonly prompt_tokens_details?: { readonly cache_write_tokens?: unknown } | null | undefined;
  readonly cache_creation_input_tokens?: unknown;
  readonly cache_read_input_tokens?: unknown;
}

/** A count the server reported, 0 where it sent none; of two fields for the same count (a proxy may send both), the larger. */
const count = (...values: ReadonlyArray<unknown>): number => {
  let largest = 0;
  for (const value of values) if (typeof value === "number" && Number.isFinite(value) && value > largest) largest = value;
  return largest;
};

/**
 * Token counts from a response's `usage` (zeros where the server sent none):
 * OpenAI's fields, and for prompt caching also the fields proxies of
 * Anthropic models send (`prompt_tokens_details.cache_write_tokens`, as
 * OpenRouter and genai-prices read it, or `cache_creation_input_tokens` and
 * `cache_read_input_tokens`, as LiteLLM sends them). Every count but
 * `prompt_tokens` and `completion_tokens` is a part of one of them.
 */
export const tokensOf = (usage: CompletionUsage | null | undefined): TokenCounts => {
  if (usage === null || usage === undefined) return noTokens;
  const compatible = usage as CompletionUsage & CompatibleUsage;
  return {
    inputTokens: count(usage.prompt_tokens),
    cachedInputTokens: count(usage.prompt_tokens_details?.cached_tokens, compatible.cache_read_input_tokens),
    cacheWriteInputTokens: count(compatible.prompt_tokens_details?.cache_write_tokens, compatible.cache_creation_input_tokens),
    inputAudioTokens: count(usage.prompt_tokens_details?.audio_tokens),
    outputTokens: count(usage.completion_tokens),
    reasoningTokens: count(usage.completion_tokens_details?.reasoning_tokens),
    outputAudioTokens: count(usage.completion_tokens_details?.audio_tokens),
  };
};

/** Where a request's model price is looked up (see agents/internal/price-database.ts). */
export interface PriceQuery {
  /** The caller's price tables, most specific last. */
  readonly tables: ReadonlyArray<PriceTable | undefined>;
  /** The agent's `provider` option. */
  readonly provider: string | undefined;
  /** The client's `baseURL`. */
  readonly baseURL: string | undefined;
}

/** What a traced call reports about its request. */
export interface RequestFacts {
  readonly maxTokens: number | undefined;
  readonly temperature: number | undefined;
  readonly stream: boolean;
  readonly messages: ReadonlyArray<unknown>;
}

/** What a traced call reports about its response. */
export interface ResponseFacts {
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly finishReasons: ReadonlyArray<string> | undefined;
  readonly text: string | undefined;
}

/** Where a call's prices can be given, by where it is made, for the unknown-price error. */
const pricingOn: Record<CallSite, { readonly pricingOn?: string }> = {
  step: {},
  router: { pricingOn: "the agent or the router" },
  standalone: { pricingOn: "the agent or agent.run" },
};

/**
 * Accounts for one request: reserves its worst case up front, then settles
 * and records what it was billed. Each request is closed exactly once:
 * settled with its billed usage, failed with an error the provider does not
 * bill (an HTTP error status), or abandoned (sent, but its billed usage
 * never arrived), which keeps its reservation charged. A request still open
 * when its run's report is taken is abandoned then, so its event reaches the
 * trace before the run settles; whatever happens to it later changes nothing.
 */
export class RequestBilling {
  private reservation: Reservation | undefined;
  /** When the request was sent (reset by {@link markSent}, so a call's time leaves out its `beforeCall` hooks). */
  private startedAt: number;
  private started = performance.now();
  private closed = false;
  /** Whether the request has gone out: until then (while its `beforeCall` hooks run) closing it early releases its reservation. */
  private sent = false;
  /** The prompt's input tokens as estimated for the reservation (or for the hooks), when they were. */
  estimatedInputTokens: number | undefined;
  private readonly untrack: () => void;

  private constructor(
    private readonly host: ModelCallHost,
    private readonly model: string,
    private readonly price: Rates | undefined,
    private readonly request: RequestFacts | undefined,
  ) {
    this.startedAt = host.now();
    this.untrack = host.track(() =>
      this.sent ? this.abandon(host.signal.aborted ? host.signal.reason : new Error("the run ended before the response arrived")) : this.skip(),
    );
  }

  /**
   * Starts accounting for a request. With budgets in force, reserves the
   * prompt's token estimate plus `maxTokens` at the model's prices, or throws
   * before anything is sent. `estimate` asks for the prompt's token estimate
   * without a budget (for the call's hooks).
   */
  static async open(
    host: ModelCallHost,
    model: string,
    prices: PriceQuery,
    texts: ReadonlyArray<string>,
    messageCount: number,
    maxTokens: number | undefined,
    request: RequestFacts | undefined,
    estimate = false,
  ): Promise<RequestBilling> {
    // Priced as the request is sent: a database price may depend on the date or the time of day.
    const price = await findRates(model, prices.tables, prices, Date.now());
    if (host.budgets.length === 0) {
      const billing = new RequestBilling(host, model, price, request);
      if (estimate) billing.estimatedInputTokens = await estimateInputTokens(model, texts, messageCount);
      return billing;
    }
    if (price === undefined) {
      throw new UnknownModelPriceError({ model, ...pricingOn[host.callSite ?? "step"], ...(prices.provider === undefined ? {} : { provider: prices.provider }) });
    }
    const inputTokens = await estimateInputTokens(model, texts, messageCount);
    const worst = worstCaseNanoUsd(price, inputTokens, maxTokens ?? 0);
    // A call outside any pipeline has no step for the budget's error to name.
    const reservation = reserve(host.budgets, worst, host.callSite === "standalone" ? undefined : host.stepId);
    const billing = new RequestBilling(host, model, price, request);
    billing.reservation = reservation;
    billing.estimatedInputTokens = inputTokens;
    return billing;
  }

  /** What the request reserved in its budgets, in nano-USD; `undefined` with no budget in force. */
  get reservedNanoUsd(): number | undefined {
    return this.reservation?.reservedNanoUsd;
  }

  /** The request is about to be sent: from now on, closing it early abandons it. */
  markSent(): void {
    this.sent = true;
    this.startedAt = this.host.now();
    this.started = performance.now();
  }

  /**
   * Closes a request that was never sent (a `beforeCall` hook skipped it,
   * or the run ended while its hooks ran): its reservation is released, and
   * nothing is recorded or emitted, since there was no request.
   */
  skip(): void {
    if (!this.close()) return;
    this.reservation?.settle(0);
  }

  /** Settles to the billed tokens, records them, and returns the request's usage. Throws if a budget was crossed. */
  settle(tokens: TokenCounts, response?: ResponseFacts, toolCalls = 0): Usage {
    const cost = this.price === undefined ? null : costNanoUsd(this.price, tokens);
    const usage = addUsage(emptyUsage, { ...emptyUsage, ...tokens, toolCalls, costNanoUsd: cost, costUsd: cost === null ? null : nanoToUsd(cost), calls: 1 });
    if (!this.close()) return usage;
    // Record before settling: settling may cross a budget, and the error then reports the ledger.
    this.host.record({ model: this.model, ...tokens, toolCalls, costNanoUsd: cost });
    this.emit(tokens, cost, undefined, undefined, response);
    this.reservation?.settle(cost);
    for (const budget of this.host.budgets) if (budget.breach !== undefined) throw budget.breach;
    return usage;
  }

  /**
   * Closes a request that produced no readable billed response. One the
   * provider answered with an error status is not billed: its reservation
   * is released. Any other (`aborted`, or lost on the way) is abandoned.
   */
  fail(error: unknown, aborted: boolean): void {
    if (aborted || billingUnknown(error)) return this.abandon(error);
    if (!this.close()) return;
    this.reservation?.settle(0);
    this.emit(noTokens, this.price === undefined ? null : 0, error, undefined);
  }

  /**
   * Closes a request whose reply was read but carried no usage (a stream
   * cut off before its final usage chunk): abandoned, since the provider's
   * count never arrived. Returns its usage: one abandoned call.
   */
  unbilled(): Usage {
    this.abandon(undefined);
    return { ...emptyUsage, abandonedCalls: 1, abandonedReservedNanoUsd: this.reservation?.reservedNanoUsd ?? 0 };
  }

  /** The request was sent, and what it was billed will never be known: its reservation stays charged. */
  private abandon(error: unknown): void {
    if (!this.close()) return;
    const reservedNanoUsd = this.reservation?.reservedNanoUsd ?? 0;
    this.reservation?.settle(reservedNanoUsd);
    const abandoned = { reservedNanoUsd };
    this.host.record({ model: this.model, ...noTokens, toolCalls: 0, costNanoUsd: 0, abandoned });
    this.emit(noTokens, null, error, abandoned);
  }

  /** Marks the request closed; false if it already was. */
  private close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.untrack();
    return true;
  }

  private emit(tokens: TokenCounts, cost: number | null, error: unknown, abandoned: { reservedNanoUsd: number } | undefined, response?: ResponseFacts): void {
    this.host.emit(
      {
        model: this.model,
        startedAt: this.startedAt,
        durationMs: performance.now() - this.started,
        inputTokens: tokens.inputTokens,
        outputTokens: tokens.outputTokens,
        costNanoUsd: cost,
        ...(error === undefined ? {} : { error }),
        ...(abandoned === undefined ? {} : { abandoned }),
      },
      this.detail(tokens, response),
    );
  }

  /** The call's facts for the run's span: only when it is traced, and its content only when that is captured. */
  private detail(tokens: TokenCounts, response: ResponseFacts | undefined): ModelCallDetail | undefined {
    const request = this.request;
    if (request === undefined || !this.host.traced) return undefined;
    const detail: ModelCallDetail = {
      cachedInputTokens: tokens.cachedInputTokens,
      cacheWriteInputTokens: tokens.cacheWriteInputTokens,
      inputAudioTokens: tokens.inputAudioTokens,
      reasoningTokens: tokens.reasoningTokens,
      outputAudioTokens: tokens.outputAudioTokens,
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      stream: request.stream,
      responseId: response?.id,
      responseModel: response?.model,
      finishReasons: response?.finishReasons,
    };
    return this.host.captureContent ? { ...detail, input: request.messages, output: response?.text } : detail;
  }
}
