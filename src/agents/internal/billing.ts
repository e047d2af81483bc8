/**
 * Reservation, settlement and recording of one model request's cost.
 */
import type { CompletionUsage } from "openai/resources/completions";
import { reserve, type Reservation } from "../../runtime/budget.js";
import type { ModelCallHost } from "../../runtime/host.js";
import type { ModelCallDetail } from "../../runtime/telemetry.js";
import { addUsage, emptyUsage, nanoToUsd, type Usage } from "../../runtime/usage.js";
import { UnknownModelPriceError } from "../errors.js";
import type { ModelPrice, PriceTable } from "../../runtime/prices.js";
import { costNanoUsd, defaultPrices, findPrice, type TokenCounts } from "../pricing.js";
import { estimateInputTokens } from "../tokens.js";
import { billingUnknown } from "./errors.js";

/** Token counts from a response's `usage` (zeros when the server sent none). */
export const tokensOf = (usage: CompletionUsage | null | undefined): TokenCounts => ({
  inputTokens: usage?.prompt_tokens ?? 0,
  cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
  outputTokens: usage?.completion_tokens ?? 0,
});

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

const NO_TOKENS: TokenCounts = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };

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
    private readonly price: ModelPrice | undefined,
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
    pricing: ReadonlyArray<PriceTable | undefined>,
    texts: ReadonlyArray<string>,
    messageCount: number,
    maxTokens: number | undefined,
    request: RequestFacts | undefined,
    estimate = false,
  ): Promise<RequestBilling> {
    const price = findPrice(model, [defaultPrices, ...pricing]);
    if (host.budgets.length === 0) {
      const billing = new RequestBilling(host, model, price, request);
      if (estimate) billing.estimatedInputTokens = await estimateInputTokens(model, texts, messageCount);
      return billing;
    }
    if (price === undefined) throw new UnknownModelPriceError({ model });
    const inputTokens = await estimateInputTokens(model, texts, messageCount);
    const worst = costNanoUsd(price, { inputTokens, cachedInputTokens: 0, outputTokens: maxTokens ?? 0 });
    const reservation = reserve(host.budgets, worst, host.stepId);
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
  settle(tokens: TokenCounts, response?: ResponseFacts): Usage {
    const cost = this.price === undefined ? null : costNanoUsd(this.price, tokens);
    const usage = addUsage(emptyUsage, { ...emptyUsage, ...tokens, costNanoUsd: cost, costUsd: cost === null ? null : nanoToUsd(cost), calls: 1 });
    if (!this.close()) return usage;
    // Record before settling: settling may cross a budget, and the error then reports the ledger.
    this.host.record({ model: this.model, ...tokens, costNanoUsd: cost });
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
    this.emit(NO_TOKENS, this.price === undefined ? null : 0, error, undefined);
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
    this.host.record({ model: this.model, ...NO_TOKENS, costNanoUsd: 0, abandoned });
    this.emit(NO_TOKENS, null, error, abandoned);
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
