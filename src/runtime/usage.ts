/**
 * Token and cost accounting. Cost is kept in integer nano-dollars (1e-9 USD)
 * so that sums never drift; `costUsd` is derived for display.
 */

/** Tokens, cost and call count of one model call, or a total of several. */
export interface Usage {
  /** Prompt tokens, all of them: the cached, cache-write and audio tokens below are parts of this count. */
  readonly inputTokens: number;
  /** Prompt tokens read from the provider's prompt cache (`prompt_tokens_details.cached_tokens`). */
  readonly cachedInputTokens: number;
  /**
   * Prompt tokens written to the provider's prompt cache (Anthropic-style
   * cache creation, as OpenAI-compatible proxies report it:
   * `prompt_tokens_details.cache_write_tokens` or `cache_creation_input_tokens`).
   */
  readonly cacheWriteInputTokens: number;
  /** Prompt tokens that were audio (`prompt_tokens_details.audio_tokens`). */
  readonly inputAudioTokens: number;
  /** Completion tokens, all of them: the reasoning and audio tokens below are parts of this count. */
  readonly outputTokens: number;
  /** Completion tokens spent on reasoning (`completion_tokens_details.reasoning_tokens`), billed as output. */
  readonly reasoningTokens: number;
  /** Completion tokens that were audio (`completion_tokens_details.audio_tokens`). */
  readonly outputAudioTokens: number;
  /** Tool calls the model asked for in the responses counted here. */
  readonly toolCalls: number;
  /** Exact cost in nano-dollars; `null` when a call's model has no known price (never reported as 0). */
  readonly costNanoUsd: number | null;
  /** `costNanoUsd` in USD, for display; `null` when unknown. */
  readonly costUsd: number | null;
  /** Requests that returned a billed response whose usage was read. */
  readonly calls: number;
  /**
   * Requests sent whose billed usage never arrived: abandoned by a timeout,
   * a retry or a cancellation, cut off by the connection, or answered with
   * something that is not a completion. The provider may have billed them;
   * their tokens and cost are not in the figures above.
   */
  readonly abandonedCalls: number;
  /**
   * What {@link abandonedCalls} were charged in the budgets: each one's
   * reservation, its worst case, kept as spent since its real cost is
   * unknown. 0 for calls made with no budget in force (nothing was reserved).
   */
  readonly abandonedReservedNanoUsd: number;
}

/** A run's usage: the totals, plus the same figures per step and per model. */
export interface RunUsage extends Usage {
  readonly byStep: Readonly<Record<string, Usage>>;
  readonly byModel: Readonly<Record<string, Usage>>;
}

/** The token counts of one call (see {@link Usage} for what each counts). */
export interface TokenCounts {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly inputAudioTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly outputAudioTokens: number;
}

/** No tokens. */
export const noTokens: TokenCounts = Object.freeze({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  inputAudioTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  outputAudioTokens: 0,
});

/** One model call's contribution to the ledger. */
export interface UsageRecord extends TokenCounts {
  readonly stepId: string;
  readonly model: string;
  /** Tool calls the model asked for in this response. */
  readonly toolCalls: number;
  readonly costNanoUsd: number | null;
  /** Set for a request whose billed usage never arrived: what was reserved for it is charged instead. */
  readonly abandoned?: { readonly reservedNanoUsd: number } | undefined;
}

/** No usage at all. */
export const emptyUsage: Usage = Object.freeze({
  ...noTokens,
  toolCalls: 0,
  costNanoUsd: 0,
  costUsd: 0,
  calls: 0,
  abandonedCalls: 0,
  abandonedReservedNanoUsd: 0,
});

/** Converts nano-dollars to dollars for display. */
export const nanoToUsd = (nano: number): number => nano / 1e9;

/** Converts dollars to whole nano-dollars, rounding up so budgets are never overstated. */
export const usdToNano = (usd: number): number => Math.ceil(Math.round(usd * 1e9 * 1000) / 1000);

/** A count added after usage was first journalled: a durable run's journal written before it has none, which counts as 0. */
const later = (value: number | undefined): number => value ?? 0;

/** Adds one usage to another. An unknown cost on either side makes the sum unknown. */
export const addUsage = (left: Usage, right: Usage): Usage => {
  const costNanoUsd = left.costNanoUsd === null || right.costNanoUsd === null ? null : left.costNanoUsd + right.costNanoUsd;
  return {
    inputTokens: left.inputTokens + right.inputTokens,
    cachedInputTokens: left.cachedInputTokens + right.cachedInputTokens,
    cacheWriteInputTokens: later(left.cacheWriteInputTokens) + later(right.cacheWriteInputTokens),
    inputAudioTokens: later(left.inputAudioTokens) + later(right.inputAudioTokens),
    outputTokens: left.outputTokens + right.outputTokens,
    reasoningTokens: later(left.reasoningTokens) + later(right.reasoningTokens),
    outputAudioTokens: later(left.outputAudioTokens) + later(right.outputAudioTokens),
    toolCalls: later(left.toolCalls) + later(right.toolCalls),
    costNanoUsd,
    costUsd: costNanoUsd === null ? null : nanoToUsd(costNanoUsd),
    calls: left.calls + right.calls,
    abandonedCalls: left.abandonedCalls + right.abandonedCalls,
    abandonedReservedNanoUsd: left.abandonedReservedNanoUsd + right.abandonedReservedNanoUsd,
  };
};

const usageOf = (record: UsageRecord): Usage =>
  record.abandoned === undefined
    ? {
        inputTokens: record.inputTokens,
        cachedInputTokens: record.cachedInputTokens,
        cacheWriteInputTokens: record.cacheWriteInputTokens,
        inputAudioTokens: record.inputAudioTokens,
        outputTokens: record.outputTokens,
        reasoningTokens: record.reasoningTokens,
        outputAudioTokens: record.outputAudioTokens,
        toolCalls: record.toolCalls,
        costNanoUsd: record.costNanoUsd,
        costUsd: record.costNanoUsd === null ? null : nanoToUsd(record.costNanoUsd),
        calls: 1,
        abandonedCalls: 0,
        abandonedReservedNanoUsd: 0,
      }
    : { ...emptyUsage, abandonedCalls: 1, abandonedReservedNanoUsd: record.abandoned.reservedNanoUsd };

/**
 * The run's ledger: every model call is recorded once, with the step it
 * belongs to, and totals are derived from the records.
 */
export class UsageLedger {
  private total: Usage = emptyUsage;
  /** Made on the first record: most runs of most pipelines call no model. */
  private steps: Map<string, Usage> | undefined;
  private models: Map<string, Usage> | undefined;
  /** Each step's usage by model, for a durable run's journal (see {@link UsageLedger.stepByModel}). */
  private stepModels: Map<string, Map<string, Usage>> | undefined;

  private addStepModel(stepId: string, model: string, usage: Usage): void {
    const all = (this.stepModels ??= new Map());
    let models = all.get(stepId);
    if (models === undefined) all.set(stepId, (models = new Map()));
    models.set(model, addUsage(models.get(model) ?? emptyUsage, usage));
  }

  /** One step's usage so far, by model (a sub-pipeline step's includes its steps'). */
  stepByModel(stepId: string): Readonly<Record<string, Usage>> {
    const models = this.stepModels?.get(stepId);
    return models === undefined ? {} : Object.fromEntries(models);
  }

  /** One step's usage so far (a sub-pipeline step's includes its finished nested runs'). */
  step(stepId: string): Usage {
    return this.steps?.get(stepId) ?? emptyUsage;
  }

  /** Records one model call. */
  record(record: UsageRecord): void {
    const usage = usageOf(record);
    const steps = (this.steps ??= new Map());
    const models = (this.models ??= new Map());
    this.total = addUsage(this.total, usage);
    steps.set(record.stepId, addUsage(steps.get(record.stepId) ?? emptyUsage, usage));
    models.set(record.model, addUsage(models.get(record.model) ?? emptyUsage, usage));
    this.addStepModel(record.stepId, record.model, usage);
  }

  /** Adds a whole usage (e.g. a sub-pipeline's) under one step. */
  recordNested(stepId: string, usage: RunUsage): void {
    const steps = (this.steps ??= new Map());
    const models = (this.models ??= new Map());
    this.total = addUsage(this.total, usage);
    steps.set(stepId, addUsage(steps.get(stepId) ?? emptyUsage, usage));
    for (const [model, modelUsage] of Object.entries(usage.byModel)) {
      models.set(model, addUsage(models.get(model) ?? emptyUsage, modelUsage));
      this.addStepModel(stepId, model, modelUsage);
    }
  }

  /** A copy of the totals. */
  snapshot(): RunUsage {
    const { total } = this;
    return {
      inputTokens: total.inputTokens,
      cachedInputTokens: total.cachedInputTokens,
      cacheWriteInputTokens: total.cacheWriteInputTokens,
      inputAudioTokens: total.inputAudioTokens,
      outputTokens: total.outputTokens,
      reasoningTokens: total.reasoningTokens,
      outputAudioTokens: total.outputAudioTokens,
      toolCalls: total.toolCalls,
      costNanoUsd: total.costNanoUsd,
      costUsd: total.costUsd,
      calls: total.calls,
      abandonedCalls: total.abandonedCalls,
      abandonedReservedNanoUsd: total.abandonedReservedNanoUsd,
      byStep: this.steps === undefined ? {} : Object.fromEntries(this.steps),
      byModel: this.models === undefined ? {} : Object.fromEntries(this.models),
    };
  }
}
