/**
 * What the runtime gives a model call: the step's identity, signal, budgets,
 * pipeline-level client and prices, and where usage and events go. Agents
 * talk to the runtime only through this.
 */
import type { PriceTable } from "../agents/pricing.js";
import type { BudgetScope } from "./budget.js";
import type { ModelCallEvent } from "./events.js";
import type { UsageRecord } from "./usage.js";

/** The runtime's side of a model call. */
export interface ModelCallHost {
  readonly stepId: string;
  readonly signal: AbortSignal;
  /** The pipeline's OpenAI client, if it set one. */
  readonly client: unknown;
  /** The pipeline's price overrides, if any. */
  readonly pricing: PriceTable | undefined;
  /** The budgets this step's calls are charged to (run, step, batch). */
  readonly budgets: ReadonlyArray<BudgetScope>;
  /** Waits for the rate limit's next slot before a request is sent (`undefined`: no limit, send now). */
  pace(): Promise<void> | undefined;
  /** Milliseconds since the run started. */
  now(): number;
  /** Records a billed call in the run's ledger. */
  record(record: Omit<UsageRecord, "stepId">): void;
  /** Emits a model-call event to the trace and `onEvent`. */
  emit(event: Omit<ModelCallEvent, "stepId" | "at" | "type">): void;
}
