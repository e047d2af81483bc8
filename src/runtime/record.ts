/**
 * A run's report as it is written: the trace (every event, in order, also
 * handed to `onEvent`), the usage ledger and the run's clock. Every event of
 * a run, whatever emits it (the step bookkeeping, a model call, a nested
 * run), goes through {@link RunRecord.emit}: trace, `onEvent` and the run's
 * span (when it is traced, see runtime/telemetry.ts) see the same events.
 */
import * as Cause from "effect/Cause";
import * as Exit from "effect/Exit";
import type { BudgetScope } from "./budget.js";
import type { PipelineEvent } from "./events.js";
import type { EventDetail, RunSpan, Telemetry, ToolCallInfo } from "./telemetry.js";
import { UsageLedger } from "./usage.js";

export class RunRecord {
  readonly trace: PipelineEvent[] = [];
  readonly ledger = new UsageLedger();
  /** Epoch milliseconds at which the run started. */
  readonly startedAt = Date.now();
  private readonly origin = performance.now();
  /** The run's span, when its telemetry is on. */
  readonly span: RunSpan | undefined;
  /** What closes each request still in flight (see {@link RunRecord.closeOpen}). */
  private readonly inFlight = new Set<() => void>();

  constructor(
    private readonly onEvent: ((event: PipelineEvent) => void) | undefined,
    telemetry?: { readonly telemetry: Telemetry; readonly pipeline: string; readonly kind: "pipeline" | "router"; readonly runId?: string | undefined } | undefined,
  ) {
    this.span = telemetry === undefined ? undefined : this.openSpan(telemetry.telemetry, telemetry.pipeline, telemetry.kind, telemetry.runId);
  }

  /** Opens the run's span; a telemetry that throws leaves the run untraced rather than failing it. */
  private openSpan(telemetry: Telemetry, pipeline: string, kind: "pipeline" | "router", runId: string | undefined): RunSpan | undefined {
    try {
      return telemetry.startRun({ pipeline, kind, origin: performance.timeOrigin + this.origin, runId });
    } catch {
      return undefined;
    }
  }

  /** Milliseconds since the run started. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Registers something in flight (a model request) that {@link closeOpen} must close; returns its unregistration. */
  track(close: () => void): () => void {
    this.inFlight.add(close);
    return () => this.inFlight.delete(close);
  }

  /**
   * Closes everything still in flight, each recording and emitting what it
   * must: called when the run's report is taken, so that every event of the
   * run is in its trace and has reached `onEvent` before the run settles.
   */
  closeOpen(): void {
    if (this.inFlight.size === 0) return;
    const open = [...this.inFlight];
    this.inFlight.clear();
    for (const close of open) close();
  }

  /** Appends an event to the trace, hands it to `onEvent` and the run's span; a throwing listener cannot break the run. */
  emit(event: PipelineEvent, detail?: EventDetail): void {
    this.forward(event);
    if (this.span !== undefined) {
      try {
        this.span.event(event, detail);
      } catch {
        // Telemetry must not change the run's outcome either.
      }
    }
  }

  /** Appends a nested run's event (already given to that run's own span) to the trace and `onEvent`. */
  forward(event: PipelineEvent): void {
    this.trace.push(event);
    if (this.onEvent !== undefined) {
      try {
        this.onEvent(event);
      } catch {
        // A listener's bug must not change the run's outcome.
      }
    }
  }

  /** Reports a tool call of step `stepId`'s attempt to the run's span. */
  tool(stepId: string, attempt: number, call: ToolCallInfo): void {
    try {
      this.span?.tool(stepId, attempt, call);
    } catch {
      // As for events.
    }
  }

  /**
   * Ends the run's span with the run's exit; returns a promise when the run
   * should wait for its spans to be flushed. Nothing to do for a run without telemetry.
   */
  finish(exit: Exit.Exit<{ readonly status: "completed" | "stopped" }, unknown>, budgets: ReadonlyArray<BudgetScope>): Promise<void> | undefined {
    const span = this.span;
    if (span === undefined) return undefined;
    try {
      const usage = this.ledger.snapshot();
      return Exit.isSuccess(exit)
        ? span.end({ status: exit.value.status, usage, budgets })
        : span.end({ status: "failed", usage, budgets, error: Cause.squash(exit.cause) });
    } catch {
      return undefined;
    }
  }
}
