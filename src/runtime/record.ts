/**
 * A run's report as it is written: the trace (every event, in order, also
 * handed to `onEvent`), the usage ledger and the run's clock. Every event of
 * a run, whatever emits it (the step bookkeeping, a model call, a nested
 * run), goes through {@link RunRecord.emit}: trace, `onEvent` and anything
 * built on them see the same events.
 */
import type { PipelineEvent } from "./events.js";
import { UsageLedger } from "./usage.js";

export class RunRecord {
  readonly trace: PipelineEvent[] = [];
  readonly ledger = new UsageLedger();
  /** Epoch milliseconds at which the run started. */
  readonly startedAt = Date.now();
  private readonly origin = performance.now();

  constructor(private readonly onEvent: ((event: PipelineEvent) => void) | undefined) {}

  /** Milliseconds since the run started. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Appends an event to the trace and hands it to `onEvent`; a throwing listener cannot break the run. */
  emit(event: PipelineEvent): void {
    this.trace.push(event);
    if (this.onEvent !== undefined) {
      try {
        this.onEvent(event);
      } catch {
        // A listener's bug must not change the run's outcome.
      }
    }
  }
}
