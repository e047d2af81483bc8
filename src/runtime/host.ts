/**
 * The interface between the runtime and whatever talks to a model (the
 * agents). The runtime defines both halves and knows nothing of agents: it
 * hands a {@link ModelCallHost} (the step's identity, signal, budgets,
 * client, prices, and where usage and events go) to a {@link ModelCaller}
 * (what `ctx.run` and `ctx.stream` are given), which does the rest.
 */
import type OpenAI from "openai";
import type { BudgetScope } from "./budget.js";
import type { ResolvedCallConfig } from "./config.js";
import type { CallHookEvent, ModelCallEvent } from "./events.js";
import type { CallHooks } from "./hooks.js";
import type { PriceTable } from "./prices.js";
import type { ModelCallDetail, ToolCallInfo } from "./telemetry.js";
import type { UsageRecord } from "./usage.js";

/**
 * Where a model call is made, for what its errors say: a pipeline's step, a
 * router's routing step, or `agent.run` / `agent.stream` outside any
 * pipeline (`"standalone"`: then `pipeline` and `stepId` name nothing).
 */
export type CallSite = "step" | "router" | "standalone";

/** The runtime's side of a model call. */
export interface ModelCallHost {
  /** The pipeline whose step makes the call, for messages. */
  readonly pipeline: string;
  readonly stepId: string;
  /** Where the call is made (default `"step"`). */
  readonly callSite?: CallSite | undefined;
  /** The run's id (`ctx.runId`; a standalone call's own), for the context tools and hooks receive. */
  readonly runId: string;
  /** The application services of the run, for the context tools receive. */
  readonly services: unknown;
  readonly signal: AbortSignal;
  /** The client of the run (run option, else pipeline setting, else the parent run's), if any. */
  readonly client: OpenAI | undefined;
  /** The run's price overrides (parent run's, pipeline's and run option's, merged), if any. */
  readonly pricing: PriceTable | undefined;
  /** The step's attempt, from 1 (1 for a standalone call). */
  readonly attempt: number;
  /** The hooks of the run and its pipeline (and of the runs around it), outermost first; an agent's own come after them. */
  readonly hooks: ReadonlyArray<CallHooks>;
  /** Emits a hook event (the time a call's hooks took) to the trace, `onEvent` and the run's span. */
  hook(event: Omit<CallHookEvent, "stepId" | "at" | "type">): void;
  /** The step's call defaults (timeout, retries, retryDelay), which a call's own options override. */
  readonly callDefaults: ResolvedCallConfig;
  /** The budgets this step's calls are charged to (run, step, batch, parent runs). */
  readonly budgets: ReadonlyArray<BudgetScope>;
  /** Waits for the rate limit's next slot before a request is sent; `undefined` when it may be sent at once. */
  pace(): Promise<void> | undefined;
  /** Milliseconds since the run started. */
  now(): number;
  /** Records a billed call in the run's ledger. */
  record(record: Omit<UsageRecord, "stepId">): void;
  /** Emits a model-call event to the trace and `onEvent`; `detail` goes to the run's span only. */
  emit(event: Omit<ModelCallEvent, "stepId" | "at" | "type">, detail?: ModelCallDetail): void;
  /** Whether the run is traced: a caller need not gather a call's details otherwise. */
  readonly traced: boolean;
  /** Whether prompts, replies and tool arguments may go on the run's spans (`captureContent`). */
  readonly captureContent: boolean;
  /** Reports a tool call to the run's span. */
  tool(call: ToolCallInfo): void;
  /**
   * Registers a request in flight. If the run's report is taken while it is
   * still open (the run ended around it), `abandon` is called then, so that
   * the request is recorded and its event emitted before the run settles.
   * Returns the function that unregisters it when it settles by itself.
   */
  track(abandon: () => void): () => void;
}

/** The key under which a model caller carries its calls. */
export const modelCalls: unique symbol = Symbol("stepgraph/modelCalls");

/**
 * What `ctx.run(caller, input, options)` and `ctx.stream(...)` call: the
 * caller (an agent) makes the request with the host the step gives it.
 */
export interface ModelCaller {
  readonly [modelCalls]: {
    complete(host: ModelCallHost, input: unknown, options: unknown): Promise<unknown>;
    stream(host: ModelCallHost, input: unknown, options: unknown): unknown;
  };
}

/** Whether a value can be called through `ctx.run` and `ctx.stream`. */
export const isModelCaller = (value: unknown): value is ModelCaller =>
  typeof value === "object" && value !== null && modelCalls in value;
