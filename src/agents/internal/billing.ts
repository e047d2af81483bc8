/**
 * Reservation, settlement and recording of one model request's cost.
 */
import type { CompletionUsage } from "openai/resources/completions";
import { reserve, type Reservation } from "../../runtime/budget.js";
import type { ModelCallHost } from "../../runtime/host.js";
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

/** Accounts for one request: reserves its worst case up front, then settles and records what it was billed. */
export class RequestBilling {
  private reservation: Reservation | undefined;
  private readonly startedAt: number;
  private readonly started = performance.now();

  private constructor(
    private readonly host: ModelCallHost,
    private readonly model: string,
    private readonly price: ModelPrice | undefined,
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
  ): Promise<RequestBilling> {
    const price = findPrice(model, [defaultPrices, ...pricing]);
    const billing = new RequestBilling(host, model, price);
    if (host.budgets.length === 0) return billing;
    if (price === undefined) throw new UnknownModelPriceError({ model });
    const inputTokens = await estimateInputTokens(model, texts, messageCount);
    const worst = costNanoUsd(price, { inputTokens, cachedInputTokens: 0, outputTokens: maxTokens ?? 0 });
    billing.reservation = reserve(host.budgets, worst, host.stepId);
    return billing;
  }

  /** Settles to the billed tokens, records them, and returns the request's usage. Throws if a budget was crossed. */
  settle(tokens: TokenCounts): Usage {
    const cost = this.price === undefined ? null : costNanoUsd(this.price, tokens);
    // Record before settling: settling may cross a budget, and the error then reports the ledger.
    this.host.record({ model: this.model, ...tokens, costNanoUsd: cost });
    this.emit(tokens, cost, undefined);
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

  private emit(tokens: TokenCounts, cost: number | null, error: unknown): void {
    this.host.emit({
      model: this.model,
      startedAt: this.startedAt,
      durationMs: performance.now() - this.started,
      inputTokens: tokens.inputTokens,
      outputTokens: tokens.outputTokens,
      costNanoUsd: cost,
      ...(error === undefined ? {} : { error }),
    });
  }
}
