/**
 * Scheduler properties over random DAGs (fast-check): random latencies,
 * failing attempts, retries, `when` conditions, early stops and
 * concurrency limits. (Makespan against the critical path is a timing, so
 * it is measured in bench/, W2, not asserted here.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StepExecutionError, pipeline, type Checkpoint } from "../../src/index.js";

interface StepSpec {
  readonly deps: ReadonlyArray<number>;
  readonly latencyMs: number;
  /** Attempts that throw before one succeeds. */
  readonly failures: number;
  readonly retries: number;
  /** `when` is false. */
  readonly skip: boolean;
  /** The step stops the run with ctx.stop. */
  readonly stop: boolean;
}

const stepSpec = fc.record({
  deps: fc.array(fc.nat(), { maxLength: 3 }),
  latencyMs: fc.integer({ min: 0, max: 3 }),
  failures: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 3 })),
  retries: fc.integer({ min: 0, max: 2 }),
  skip: fc.integer({ min: 0, max: 9 }).map((roll) => roll < 2),
  stop: fc.constant(false),
});

const dagOf = (steps: ReadonlyArray<StepSpec>): StepSpec[] =>
  steps.map((step, index) => ({ ...step, deps: [...new Set(step.deps.filter((dep) => dep < index))] }));

type Status = "succeeded" | "failed" | "skipped";

/** What each step must end as when no step stops the run. */
const expectedStatuses = (steps: ReadonlyArray<StepSpec>): Status[] => {
  const status: Status[] = [];
  const failedUpstream: boolean[] = [];
  steps.forEach((step, index) => {
    failedUpstream[index] = step.deps.some((dep) => status[dep] === "failed" || failedUpstream[dep]!);
    status[index] = failedUpstream[index] ? "skipped" : step.skip ? "skipped" : step.failures > step.retries ? "failed" : "succeeded";
  });
  return status;
};

interface Observed {
  readonly starts: number[];
  /** For each attempt start, the steps that had succeeded by then. */
  readonly violations: string[];
  maxRunning: number;
}

type Untyped = {
  step(id: string, options: object, run: (ctx: { attempt: number; stop(payload: unknown): unknown }) => unknown): Untyped;
  run(input?: unknown, options?: object): Promise<{ checkpoint: Checkpoint; status: string }>;
};

const build = (steps: ReadonlyArray<StepSpec>, observed: Observed, failing: { on: boolean; stops?: boolean }) => {
  const succeeded = new Set<number>();
  let running = 0;
  let p = pipeline("property") as unknown as Untyped;
  steps.forEach((step, index) => {
    p = p.step(
      `s${index}`,
      { after: step.deps.map((dep) => `s${dep}`), retries: step.retries, retryDelay: 0, ...(step.skip ? { when: () => false } : {}) },
      async (ctx) => {
        observed.starts[index]!++;
        // A dependency skipped by its condition counts as done: its dependents run.
        for (const dep of step.deps) {
          if (!succeeded.has(dep) && !steps[dep]!.skip) observed.violations.push(`s${index} started before s${dep} succeeded`);
        }
        running++;
        observed.maxRunning = Math.max(observed.maxRunning, running);
        try {
          if (step.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, step.latencyMs));
          else await Promise.resolve();
          if (failing.on && ctx.attempt <= step.failures) throw new Error(`s${index} attempt ${ctx.attempt} fails`);
        } finally {
          running--;
        }
        succeeded.add(index);
        return step.stop && failing.stops !== false ? ctx.stop({ by: index }) : index;
      },
    );
  });
  return p;
};

const dags = fc.tuple(fc.array(stepSpec, { minLength: 1, maxLength: 10 }), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }));

describe("the scheduler, over random DAGs", () => {
  it("starts a step only after its dependencies succeeded, runs it at most retries + 1 times, never starts what is downstream of a failure, finishes unrelated steps, keeps to maxConcurrency, and a resume re-runs no completed step", async () => {
    await fc.assert(
      fc.asyncProperty(dags, async ([raw, maxConcurrency]) => {
        const steps = dagOf(raw);
        const observed: Observed = { starts: steps.map(() => 0), violations: [], maxRunning: 0 };
        const failing = { on: true };
        const p = build(steps, observed, failing);
        const outcome = await p.run(undefined, maxConcurrency === undefined ? {} : { maxConcurrency }).then(
          (result) => ({ checkpoint: result.checkpoint, failed: undefined }),
          (error: unknown) => {
            if (!(error instanceof StepExecutionError)) throw error;
            return { checkpoint: error.partial.checkpoint, failed: error.stepId };
          },
        );
        expect(observed.violations).toEqual([]);
        if (maxConcurrency !== undefined) expect(observed.maxRunning).toBeLessThanOrEqual(maxConcurrency);
        const expected = expectedStatuses(steps);
        steps.forEach((step, index) => {
          expect(observed.starts[index], `s${index}`).toBeLessThanOrEqual(step.retries + 1);
          const status = expected[index];
          if (status === "skipped") expect(observed.starts[index], `s${index} must not start`).toBe(0);
          if (status === "succeeded") expect(outcome.checkpoint.outputs[`s${index}`], `s${index} finishes`).toBe(index);
          if (status === "failed") expect(observed.starts[index]).toBe(step.retries + 1);
        });
        expect(outcome.failed === undefined).toBe(!expected.includes("failed"));

        // Resume with failures gone: nothing completed runs again.
        const completed = Object.keys(outcome.checkpoint.outputs);
        const before = [...observed.starts];
        failing.on = false;
        const resumed = await p.run(undefined, { resume: outcome.checkpoint });
        expect(resumed.status).toBe("completed");
        for (const id of completed) expect(observed.starts[Number(id.slice(1))], `${id} re-ran`).toBe(before[Number(id.slice(1))]);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it("after a step stops the run, starts no dependent of it and no step that was not yet started, every step that started finishes, and resuming from its checkpoint re-runs none that completed", async () => {
    await fc.assert(
      fc.asyncProperty(dags, fc.nat(), async ([raw, maxConcurrency], stopAt) => {
        const steps = dagOf(raw).map((step) => ({ ...step, failures: 0, skip: false }));
        const stopper = stopAt % steps.length;
        steps[stopper] = { ...steps[stopper]!, stop: true };
        const observed: Observed = { starts: steps.map(() => 0), violations: [], maxRunning: 0 };
        const events: Array<{ type: string; stepId: string }> = [];
        const control = { on: false, stops: true };
        const p = build(steps, observed, control);
        const result = await p.run(undefined, { ...(maxConcurrency === undefined ? {} : { maxConcurrency }), onEvent: (event: { type: string; stepId: string }) => events.push(event) });
        expect(result.status).toBe("stopped");
        expect(observed.violations).toEqual([]);
        const stopEvent = events.findIndex((event) => event.type === "stop");
        const startedAfterStop = events.slice(stopEvent + 1).filter((event) => event.type === "start");
        expect(startedAfterStop).toEqual([]);
        const startedBefore = new Set(events.slice(0, stopEvent).filter((event) => event.type === "start").map((event) => event.stepId));
        for (const id of startedBefore) expect(events.some((event) => event.stepId === id && (event.type === "success" || event.type === "stop")), `${id} finishes`).toBe(true);
        steps.forEach((step, index) => {
          if (step.deps.includes(stopper)) expect(observed.starts[index], `s${index} depends on the stopper`).toBe(0);
        });

        // Resume from the stop's checkpoint, stopping no more: nothing completed runs again, and the rest runs.
        const completed = Object.keys(result.checkpoint.outputs);
        const before = [...observed.starts];
        control.stops = false;
        const resumed = await p.run(undefined, { resume: result.checkpoint });
        expect(resumed.status).toBe("completed");
        for (const id of completed) expect(observed.starts[Number(id.slice(1))], `${id} re-ran`).toBe(before[Number(id.slice(1))]);
        steps.forEach((_, index) => expect(observed.starts[index], `s${index} ran`).toBeGreaterThan(0));
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
