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
  /** What closes each request still in flight (see {@link RunRecord.closeOpen}). */
  private readonly open = new Set<() => void>();

  constructor(private readonly onEvent: ((event: PipelineEvent) => void) | undefined) {}

  /** Milliseconds since the run started. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Registers something in flight (a model request) that {@link closeOpen} must close; returns its unregistration. */
  track(close: () => void): () => void {
    this.open.add(close);
    return () => this.open.delete(close);
  }

  /**
   * Closes everything still in flight, each recording and emitting what it
   * must: called when the run's report is taken, so that every event of the
   * run is in its trace and has reached `onEvent` before the run settles.
   */
  closeOpen(): void {
    if (this.open.size === 0) return;
    const open = [...this.open];
    this.open.clear();
    for (const close of open) close();
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
