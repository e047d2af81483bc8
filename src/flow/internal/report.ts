/**
 * Combining the reports of two runs that make up one (a router's routing
 * step and its route's run): usage is added, the second run's trace and step
 * timings are shifted onto the first run's clock.
 */
import type { PipelineEvent } from "../../runtime/events.js";
import type { PartialResult, RunReport, RunTiming, StepTiming } from "../../runtime/result.js";
import { addUsage, type RunUsage, type Usage } from "../../runtime/usage.js";

const mergeBy = (left: Readonly<Record<string, Usage>>, right: Readonly<Record<string, Usage>>): Record<string, Usage> => {
  const merged: Record<string, Usage> = { ...left };
  for (const [key, usage] of Object.entries(right)) {
    const before = merged[key];
    merged[key] = before === undefined ? usage : addUsage(before, usage);
  }
  return merged;
};

/** The sum of two runs' usage, per step and per model too. */
export const mergeUsage = (left: RunUsage, right: RunUsage): RunUsage => {
  if (left.calls === 0 && Object.keys(left.byStep).length === 0) return right;
  return { ...addUsage(left, right), byStep: mergeBy(left.byStep, right.byStep), byModel: mergeBy(left.byModel, right.byModel) };
};

/** An event moved `offset` milliseconds later. */
export const shiftEvent = (event: PipelineEvent, offset: number): PipelineEvent =>
  event.type === "call"
    ? { ...event, at: event.at + offset, startedAt: event.startedAt + offset }
    : { ...event, at: event.at + offset };

const shiftTiming = (timing: StepTiming, offset: number): StepTiming => ({
  start: timing.start + offset,
  end: timing.end + offset,
  durationMs: timing.durationMs,
});

const mergeTiming = (first: RunTiming, second: RunTiming, offset: number): RunTiming => {
  const steps: Record<string, StepTiming> = { ...first.steps };
  for (const [id, timing] of Object.entries(second.steps)) steps[id] = shiftTiming(timing, offset);
  return { startedAt: first.startedAt, durationMs: offset + second.durationMs, steps };
};

/** `second`'s report with `first`'s usage, trace and timing in front of it; `offset` is when `second` started on `first`'s clock. */
export const mergeReports = <Report extends Omit<RunReport, "checkpoint">>(
  first: Omit<RunReport, "checkpoint">,
  second: Report,
  offset: number,
): Report => ({
  ...second,
  usage: mergeUsage(first.usage, second.usage),
  trace: [...first.trace, ...second.trace.map((event) => shiftEvent(event, offset))],
  timing: mergeTiming(first.timing, second.timing, offset),
});

/** The `partial` a run error carries, if any. */
export const partialOf = (error: unknown): PartialResult | undefined => {
  const partial = typeof error === "object" && error !== null ? (error as { partial?: unknown }).partial : undefined;
  return typeof partial === "object" && partial !== null ? (partial as PartialResult) : undefined;
};

/**
 * The same tagged error with another `partial`. Run errors are immutable
 * tagged classes built from their fields, so a copy is built the same way.
 */
export const withPartial = (error: unknown, partial: PartialResult): unknown => {
  if (!(error instanceof Error) || partialOf(error) === undefined || !("_tag" in error)) return error;
  const Rebuilt = error.constructor as new (fields: object) => unknown;
  return new Rebuilt({ ...error, partial });
};
