/**
 * The batch engine behind `runMany` and `stream`: pulls inputs lazily, keeps
 * at most `concurrency` runs in flight (counting finished runs whose outcome
 * has not been taken yet, so a slow consumer slows the pulling), and hands out
 * outcomes in the order the runs finish.
 */
import { setMaxListeners } from "node:events";
import type * as Context from "effect/Context";
import { wholeNumber } from "../../runtime/config.js";
import { PipelineDefinitionError } from "../../runtime/errors.js";
import { envOf, type RunEnv } from "../../runtime/env.js";
import { CostBudgetExceededError, partialOf } from "../../runtime/errors.js";
import type { Flow } from "../../runtime/flow.js";
import type { RunOptions } from "../../runtime/options.js";
import type { UntypedResult } from "../../runtime/result.js";
import { nanoToUsd } from "../../runtime/usage.js";
import type { BatchInputs, BatchOptions, BatchOutcome, BatchProgress, RunManyOptions } from "../batch.js";

const DEFAULT_CONCURRENCY = 10;

const sizeOf = (inputs: object): number | undefined => {
  const { length, size } = inputs as { length?: unknown; size?: unknown };
  return typeof length === "number" ? length : typeof size === "number" ? size : undefined;
};

type Source = Iterator<unknown> | AsyncIterator<unknown>;

const openSource = (inputs: BatchInputs<unknown>): Source => {
  if (typeof inputs === "object" && inputs !== null) {
    if (Symbol.asyncIterator in inputs) return (inputs as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    if (Symbol.iterator in inputs) return (inputs as Iterable<unknown>)[Symbol.iterator]();
  }
  throw new TypeError("runMany and stream take an array, an iterable or an async iterable of inputs.");
};

/**
 * One batch, as an async iterator of outcomes in completion order. It starts
 * pulling on the first `next()`; `return()` (leaving a `for await` early)
 * stops it, interrupts runs in flight and waits for them to settle.
 */
class BatchRun<Result> implements AsyncIterableIterator<BatchOutcome<Result, unknown>> {
  private readonly source: Source;
  private readonly concurrency: number;
  private readonly stopOnError: boolean;
  private readonly onProgress: ((progress: BatchProgress) => void) | undefined;
  private readonly total: number | undefined;
  /** Aborted to interrupt the runs in flight. */
  private readonly controller = new AbortController();
  /** What every run of the batch shares: the batch's signal, budgets and rate limiter. */
  private readonly env: RunEnv;
  /** Each run's own options: everything the batch was given but its own settings. */
  private readonly runOptions: RunOptions;
  private readonly detach: Array<() => void> = [];
  /** Finished runs whose outcome has not been taken. */
  private readonly ready: Array<BatchOutcome<Result, unknown>> = [];
  private running = 0;
  private pulling = false;
  private exhausted = false;
  private started = 0;
  private done = 0;
  private failed = 0;
  private spentNano = 0;
  /** Set once the batch stops before running every input: no input is pulled after it. */
  private stopped = false;
  private sourceFailure: { readonly error: unknown } | undefined;
  private wake: (() => void) | undefined;

  constructor(
    inputs: BatchInputs<unknown>,
    options: BatchOptions,
    private readonly flow: Flow,
    /** What to keep of a successful result, applied after its cost is counted. */
    private readonly keep: (result: Result) => Result = (result) => result,
    /** The Effect services every run's Effect steps are given (from the batch's `layer` or `runtime`). */
    effects?: Context.Context<never>,
  ) {
    const { concurrency, stopOnError, onProgress, costBudget, rateLimit, signal, budgets, ...runOptions } = options;
    // A bad option value from untyped code is the pipeline's definition error, as at every other level.
    const definitionError = (error: unknown) =>
      new PipelineDefinitionError({ pipeline: flow.name, problem: `batch options: ${error instanceof Error ? error.message : String(error)}` });
    try {
      this.concurrency = wholeNumber(concurrency ?? DEFAULT_CONCURRENCY, 1, "concurrency");
      // One limiter and one budget for the whole batch: every run's model requests share them.
      this.env = { ...envOf({ costBudget, rateLimit, budgets, signal: this.controller.signal }, {}, undefined, "batch").env, effects };
      this.source = openSource(inputs);
    } catch (error) {
      throw definitionError(error);
    }
    this.stopOnError = stopOnError ?? false;
    this.onProgress = onProgress;
    this.total = sizeOf(inputs);
    // Every run in flight listens to the batch's signal (at most `concurrency` of them): not a leak for Node to warn about.
    setMaxListeners(0, this.controller.signal);
    this.runOptions = runOptions;
    if (costBudget !== undefined) {
      // The runs under the budget interrupt themselves when it is crossed; the batch only stops pulling.
      this.detach.push(this.env.budgets[0]!.onBreach((error) => this.stop(error, false)));
    }
    if (signal !== undefined) {
      if (signal.aborted) this.stop(signal.reason, true);
      const onAbort = () => this.stop(signal.reason, true);
      signal.addEventListener("abort", onAbort, { once: true });
      this.detach.push(() => signal.removeEventListener("abort", onAbort));
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<BatchOutcome<Result, unknown>, undefined>> {
    for (;;) {
      const outcome = this.ready.shift();
      if (outcome !== undefined) {
        this.fill();
        return { done: false, value: outcome };
      }
      this.fill();
      if (this.settled) {
        this.finish();
        const failure = this.sourceFailure;
        this.sourceFailure = undefined;
        if (failure !== undefined) throw failure.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<BatchOutcome<Result, unknown>, undefined>> {
    this.stop(new Error("The batch's consumer stopped reading its outcomes."), true);
    while (this.running > 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.ready.length = 0;
    this.finish();
    return { done: true, value: undefined };
  }

  /**
   * Nothing is running, nothing more will be pulled, and every outcome was
   * taken. A pull still pending when the batch stopped is not waited for: its
   * input is dropped when it arrives.
   */
  private get settled(): boolean {
    return this.running === 0 && this.ready.length === 0 && (this.stopped || (this.exhausted && !this.pulling));
  }

  /** Pulls the next input if a slot is free. Pulls are sequential: an async iterator is read one `next()` at a time. */
  private fill(): void {
    if (this.pulling || this.exhausted || this.stopped) return;
    if (this.running + this.ready.length >= this.concurrency) return;
    this.pulling = true;
    void this.pull();
  }

  private async pull(): Promise<void> {
    try {
      if (this.stopped) return;
      const next = await this.source.next();
      if (next.done === true) this.exhausted = true;
      else if (!this.stopped) this.start(next.value);
    } catch (error) {
      this.sourceFailure = { error };
      this.stop(error, true);
    } finally {
      this.pulling = false;
      this.notify();
    }
  }

  private start(input: unknown): void {
    const index = this.started++;
    this.running++;
    this.progress();
    let promise: Promise<UntypedResult>;
    try {
      const durable = this.runOptions.durable;
      // A durable batch's runs are journalled under the batch's id and each input's index.
      const options = durable === undefined ? this.runOptions : { ...this.runOptions, durable: { ...durable, runId: `${durable.runId}/${index}` } };
      promise = this.flow.start(input, options, this.env);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (result) => {
        this.spentNano += result.usage.costNanoUsd ?? 0;
        this.settle({ ok: true, index, result: this.keep(result as Result) });
      },
      (error: unknown) => {
        this.failed++;
        this.spentNano += partialOf(error)?.usage.costNanoUsd ?? 0;
        // Stop before settling, so the slot this run frees is not refilled.
        if (this.stopOnError) this.stop(error, true);
        else if (error instanceof CostBudgetExceededError && error.scope === "batch") this.stop(error, false);
        this.settle({ ok: false, index, error });
      },
    );
  }

  private settle(outcome: BatchOutcome<Result, unknown>): void {
    this.running--;
    this.done++;
    this.ready.push(outcome);
    this.progress();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    // With no consumer waiting, keep the pipe full: a runMany consumer takes
    // outcomes at once, a stream consumer frees slots as it reads.
    this.fill();
  }

  /** Stops pulling; `interrupt` also aborts the runs in flight (a crossed budget interrupts its own runs). */
  private stop(reason: unknown, interrupt: boolean): void {
    if (this.stopped) return;
    this.stopped = true;
    if (interrupt) this.controller.abort(reason);
    if (!this.exhausted) {
      try {
        const closing = this.source.return?.();
        if (closing instanceof Promise) closing.catch(() => undefined);
      } catch {
        // A source that cannot close is left to the garbage collector.
      }
    }
    this.notify();
  }

  private finish(): void {
    for (const detach of this.detach.splice(0)) detach();
  }

  private progress(): void {
    if (this.onProgress === undefined) return;
    try {
      this.onProgress({
        done: this.done,
        failed: this.failed,
        running: this.running,
        total: this.total,
        spentUsd: nanoToUsd(this.spentNano),
      });
    } catch {
      // A listener's bug must not change the batch's outcome.
    }
  }
}

/** The outcomes of a batch in the order its runs finish. */
export const streamBatch = (
  inputs: BatchInputs<unknown>,
  options: BatchOptions | undefined,
  flow: Flow,
  effects?: Context.Context<never>,
): AsyncIterableIterator<BatchOutcome<UntypedResult, unknown>> => new BatchRun(inputs, options ?? {}, flow, undefined, effects);

/** A result cut down to what `keep: "output"` keeps. */
const outputOnly = (result: unknown): unknown => {
  const { status, output, stop, route } = result as { status: unknown; output: unknown; stop?: unknown; route?: unknown };
  if (stop === undefined && route === undefined) return { status, output };
  return route === undefined ? { status, output, stop } : stop === undefined ? { status, output, route } : { status, output, stop, route };
};

/** The outcomes of a batch in input order. */
export const runBatch = async (
  inputs: BatchInputs<unknown>,
  options: RunManyOptions | undefined,
  flow: Flow,
  effects?: Context.Context<never>,
): Promise<Array<BatchOutcome<unknown, unknown>>> => {
  const { keep, ...batchOptions } = options ?? {};
  const outcomes: Array<BatchOutcome<unknown, unknown>> = [];
  const batch = new BatchRun<unknown>(inputs, batchOptions, flow, keep === "output" ? outputOnly : undefined, effects);
  for await (const outcome of batch) outcomes[outcome.index] = outcome;
  return outcomes;
};
