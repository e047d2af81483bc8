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

/** Accounts for one request: reserves its worst case up front, then settles and records what it was billed. */
export class RequestBilling {
  private reservation: Reservation | undefined;
  private readonly startedAt: number;
  private readonly started = performance.now();

  private constructor(
    private readonly host: ModelCallHost,
    private readonly model: string,
    private readonly price: ModelPrice | undefined,
    private readonly request: RequestFacts | undefined,
  ) {
    this.startedAt = host.now();
  }

  /**
   * Starts accounting for a request. With budgets in force, reserves the
   * prompt's token estimate plus `maxTokens` at the model's prices, or throws
   * before anything is sent.
   */
  static async open(
    host: ModelCallHost,
    model: string,
    pricing: ReadonlyArray<PriceTable | undefined>,
    texts: ReadonlyArray<string>,
    messageCount: number,
    maxTokens: number | undefined,
    request: RequestFacts | undefined,
  ): Promise<RequestBilling> {
    const price = findPrice(model, [defaultPrices, ...pricing]);
    const billing = new RequestBilling(host, model, price, request);
    if (host.budgets.length === 0) return billing;
    if (price === undefined) throw new UnknownModelPriceError({ model });
    const inputTokens = await estimateInputTokens(model, texts, messageCount);
    const worst = costNanoUsd(price, { inputTokens, cachedInputTokens: 0, outputTokens: maxTokens ?? 0 });
    billing.reservation = reserve(host.budgets, worst, host.stepId);
    return billing;
  }

  /** Settles to the billed tokens, records them, and returns the request's usage. Throws if a budget was crossed. */
  settle(tokens: TokenCounts, response?: ResponseFacts): Usage {
    const cost = this.price === undefined ? null : costNanoUsd(this.price, tokens);
    // Record before settling: settling may cross a budget, and the error then reports the ledger.
    this.host.record({ model: this.model, ...tokens, costNanoUsd: cost });
    this.emit(tokens, cost, undefined, response);
    this.reservation?.settle(cost);
    for (const budget of this.host.budgets) if (budget.breach !== undefined) throw budget.breach;
    return addUsage(emptyUsage, {
      ...tokens,
      costNanoUsd: cost,
      costUsd: cost === null ? null : nanoToUsd(cost),
      calls: 1,
    });
  }

  /** Releases the reservation of a request that produced no billed response. */
  fail(error: unknown): void {
    this.reservation?.settle(0);
    this.emit({ inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 }, this.price === undefined ? null : 0, error);
  }

  private emit(tokens: TokenCounts, cost: number | null, error: unknown, response?: ResponseFacts): void {
    this.host.emit(
      {
        model: this.model,
        startedAt: this.startedAt,
        durationMs: performance.now() - this.started,
        inputTokens: tokens.inputTokens,
        outputTokens: tokens.outputTokens,
        costNanoUsd: cost,
        ...(error === undefined ? {} : { error }),
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
