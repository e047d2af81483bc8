/**
 * Cost budgets as reservations against integer nano-dollar ledgers. Before a
 * model call, its worst case is reserved in every budget it falls under; a
 * reservation that does not fit is refused before anything is sent. After
 * the response the reservation is settled to the actual cost. Parallel calls
 * therefore cannot overspend together.
 */
import { CostBudgetExceededError, type BudgetScopeKind } from "./errors.js";
import { usdAmount } from "./config.js";
import { nanoToUsd, usdToNano } from "./usage.js";

/** Options of a {@link BudgetScope}. */
export interface BudgetScopeOptions {
  readonly limitUsd: number;
  readonly scope: BudgetScopeKind;
  readonly stepId?: string | undefined;
}

/**
 * One budget: a limit, what was spent, and what is reserved by calls in
 * flight. Runs and batches share a scope by passing it around.
 *
 * @example
 * ```ts
 * const budget = new BudgetScope({ limitUsd: 1, scope: "batch" });
 * await p.run(input, { budgets: [budget] });
 * budget.spentUsd;
 * ```
 */
export class BudgetScope {
  readonly limitNanoUsd: number;
  readonly scope: BudgetScopeKind;
  readonly stepId: string | undefined;
  private spent = 0;
  private reserved = 0;
  private readonly listeners = new Set<(error: CostBudgetExceededError) => void>();
  /** Set once spend has crossed the limit. */
  breach: CostBudgetExceededError | undefined;

  constructor(options: BudgetScopeOptions) {
    usdAmount(options.limitUsd, "costBudget");
    this.limitNanoUsd = usdToNano(options.limitUsd);
    this.scope = options.scope;
    this.stepId = options.stepId;
  }

  /** The limit in USD. */
  get limitUsd(): number {
    return nanoToUsd(this.limitNanoUsd);
  }

  /** Settled spend, in USD. */
  get spentUsd(): number {
    return nanoToUsd(this.spent);
  }

  /** Settled spend, in nano-dollars (read by the run's span). */
  get spentNanoUsd(): number {
    return this.spent;
  }

  /** What requests in flight hold, in nano-dollars (read by the run's span). */
  get reservedNanoUsd(): number {
    return this.reserved;
  }

  /** Whether `nano` more can be reserved. */
  fits(nano: number): boolean {
    return this.breach === undefined && this.spent + this.reserved + nano <= this.limitNanoUsd;
  }

  /** The error for a refused reservation or a crossed limit. */
  error(refused: boolean, stepId: string | undefined): CostBudgetExceededError {
    return new CostBudgetExceededError({
      budgetUsd: this.limitUsd,
      spentUsd: this.spentUsd,
      scope: this.scope,
      stepId: this.stepId ?? stepId,
      refused,
    });
  }

  /** Calls `listener` once when spend crosses the limit; returns an unsubscribe function. */
  onBreach(listener: (error: CostBudgetExceededError) => void): () => void {
    if (this.breach !== undefined) {
      listener(this.breach);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal */ hold(nano: number): void {
    this.reserved += nano;
  }

  /** @internal */ release(reservedNano: number, actualNano: number, stepId: string | undefined): void {
    this.reserved -= reservedNano;
    this.spent += actualNano;
    if (this.breach === undefined && this.spent > this.limitNanoUsd) {
      this.breach = this.error(false, stepId);
      for (const listener of [...this.listeners]) listener(this.breach);
      this.listeners.clear();
    }
  }
}

/** A worst-case amount held in several budgets until the call settles. */
export interface Reservation {
  /** The worst case held, in nano-dollars. */
  readonly reservedNanoUsd: number;
  /** Settles to the actual cost (`null` when unknown: nothing is charged). Idempotent. */
  settle(actualNanoUsd: number | null): void;
}

/**
 * Reserves `nano` in every scope, or in none: throws the first scope's
 * {@link CostBudgetExceededError} when it does not fit.
 */
export const reserve = (scopes: ReadonlyArray<BudgetScope>, nano: number, stepId: string | undefined): Reservation => {
  for (const scope of scopes) {
    if (!scope.fits(nano)) throw scope.breach ?? scope.error(true, stepId);
  }
  for (const scope of scopes) scope.hold(nano);
  let settled = false;
  return {
    reservedNanoUsd: nano,
    settle(actual) {
      if (settled) return;
      settled = true;
      for (const scope of scopes) scope.release(nano, actual ?? 0, stepId);
    },
  };
};
