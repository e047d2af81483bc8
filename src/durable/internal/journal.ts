/**
 * A durable run's journal over Effect's workflow engine: each step is an
 * Activity named after its id, whose result (the step's outcome, attempts
 * and usage, as JSON) the engine stores. As the Activity starts, it marks
 * the step in the store's own table: an Activity that finds its mark was cut
 * short before (a crash), so its new run is reported as possibly duplicated.
 */
import { createHash } from "node:crypto";
import * as Cause from "effect/Cause";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Schedule from "effect/Schedule";
import * as Schema from "effect/Schema";
import * as Activity from "effect/workflow/Activity";
import type * as WorkflowEngine from "effect/workflow/WorkflowEngine";
import type { JournalStep, StepJournal } from "../../runtime/journal.js";
import { isStopRequest, stopRequest } from "../../runtime/stop.js";
import type { RunUsage, Usage } from "../../runtime/usage.js";
import { JournalledStepError, NotJournallableError } from "../errors.js";
import { jsonProblem } from "./json.js";
import type { RunRegistry } from "./registry.js";

/** A step's outcome as the journal stores it. */
type Outcome =
  | { readonly kind: "ok"; readonly value?: unknown; readonly attempts: number; readonly usage: Readonly<Record<string, Usage>> }
  | { readonly kind: "stop"; readonly payload?: unknown; readonly attempts: number; readonly usage: Readonly<Record<string, Usage>> }
  | {
      readonly kind: "fail";
      readonly error: { readonly errorName: string; readonly message: string; readonly tag: string | null };
      readonly attempts: number;
      readonly usage: Readonly<Record<string, Usage>>;
    };

/**
 * Crash testing (`crashMatrix` in `stepgraph/testing`): with
 * `STEPGRAPH_CRASH_AT=<n>` set, the process kills itself with SIGKILL at its
 * n-th journal boundary (before a step's Activity, after the step's mark,
 * before its outcome is stored, after it is stored; a replay passes the
 * first and last); with
 * `STEPGRAPH_CRASH_COUNT=1`, it writes how many boundaries it passed to
 * stderr (`stepgraph-journal-boundaries <n>`) when it exits.
 */
const crashAt = Number(process.env["STEPGRAPH_CRASH_AT"] ?? Number.NaN);
let boundaries = 0;
if (process.env["STEPGRAPH_CRASH_COUNT"] === "1") process.once("exit", () => process.stderr.write(`stepgraph-journal-boundaries ${boundaries}\n`));
const boundary = (): void => {
  boundaries++;
  if (boundaries === crashAt) process.kill(process.pid, "SIGKILL");
};
const atBoundary = Effect.sync(boundary);

/** An activity interrupted by the run ending (failFast, timeout, cancel) is not retried: the run is over. */
const noInterruptRetry = Schedule.recurs(0);

const errorSummary = (error: unknown): { errorName: string; message: string; tag: string | null } => {
  if (error instanceof Error) {
    const tag = (error as { _tag?: unknown })._tag;
    return { errorName: error.name, message: error.message, tag: typeof tag === "string" ? tag : null };
  }
  return { errorName: "Error", message: typeof error === "string" ? error : (JSON.stringify(error) ?? String(error)), tag: null };
};

/**
 * The steps a store has in flight. Closing a store lets them finish and be
 * journalled before it lets its runs go, so a graceful close hands them
 * over with nothing to run again.
 */
export class Drain {
  closing = false;
  inFlight = 0;
  private idle: Array<() => void> = [];

  settled(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
  }

  /** Stops new steps from starting, and resolves once the steps in flight have been journalled (or after `timeoutMs`). */
  close(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** The journal of one generation of one durable run. */
export class ActivityJournal implements StepJournal {
  /** Each step's failure as it happened in this process, so the run rejects with the real error, not its summary. */
  private readonly failures = new Map<string, unknown>();

  constructor(
    private readonly pipeline: string,
    readonly runId: string,
    private readonly generation: number,
    readonly carried: RunUsage | undefined,
    /**
     * The workflow body's engine and instance, which the step activities need.
     * A nested run may be started from plain code (a sub-pipeline step's
     * function), outside the body's fibers, so the journal brings them along.
     */
    private readonly workflow: Context.Context<WorkflowEngine.WorkflowEngine | WorkflowEngine.WorkflowInstance>,
    /** The store's count of steps in flight, which a closing store waits for. */
    private readonly drain: Drain,
    /** Where a step's start is marked, and this generation's workflow execution, under which it is. */
    private readonly marks: Pick<RunRegistry, "mark">,
    private readonly executionId: string,
    /** Where a nested run's steps are journalled: `""` for the run itself, else `"<step>@<attempt>/"` per level. */
    private readonly prefix = "",
  ) {}

  idempotencyKey(stepId: string, attempt: number): string {
    const digest = createHash("sha256").update(`${this.runId}\u0000${this.generation}\u0000${this.prefix}${stepId}\u0000${attempt}`).digest("hex");
    return `stepgraph-${digest.slice(0, 40)}`;
  }

  nested(scope: string): ActivityJournal {
    return new ActivityJournal(this.pipeline, this.runId, this.generation, undefined, this.workflow, this.drain, this.marks, this.executionId, `${this.prefix}${scope}/`);
  }

  step(step: JournalStep, attempts: Effect.Effect<unknown, unknown>): Effect.Effect<unknown, unknown> {
    const stepId = this.prefix + step.stepId;
    let ranHere = false;
    const outcome = Activity.make({
      name: stepId,
      success: Schema.Json,
      execute: Effect.suspend(() => {
        ranHere = true;
        // The store's database failing under the journal is not the step's failure: the run cannot go on.
        return Effect.flatMap(Effect.orDie(this.marks.mark(this.executionId, stepId)), (first) => {
          boundary();
          // The step was marked before: it began in a process that crashed (or on a worker that gave its runs up), and runs again.
          const again = !first;
          if (again) step.possiblyDuplicated();
          return Effect.map(this.attemptsToOutcome(step, attempts), (entry) => {
            boundary();
            return { ...entry, possiblyDuplicated: again } as unknown as Schema.Json;
          });
        });
      }),
      interruptRetryPolicy: noInterruptRetry,
    });
    const journalled = Effect.flatMap(Effect.andThen(atBoundary, Effect.tap(outcome, atBoundary)), (stored) => {
      const entry = stored as unknown as Outcome & { readonly possiblyDuplicated?: boolean };
      if (!ranHere) step.replayed(entry.attempts, entry.usage, entry.possiblyDuplicated === true);
      return this.replay(stepId, entry);
    });
    const { drain } = this;
    const counted = Effect.suspend(() => {
      // A closing store starts no step: the run goes on wherever it goes next (another worker, the next process).
      if (drain.closing) return Effect.never;
      drain.inFlight++;
      return Effect.ensuring(journalled, Effect.sync(() => drain.settled()));
    });
    return Effect.updateContext(counted, (context: Context.Context<never>) => Context.merge(context, this.workflow));
  }

  /** Runs the step's attempts and turns how they ended into the outcome to journal. */
  private attemptsToOutcome(step: JournalStep, attempts: Effect.Effect<unknown, unknown>): Effect.Effect<Outcome> {
    const failed = (error: unknown): Outcome => {
      this.failures.set(this.prefix + step.stepId, error);
      return { kind: "fail", error: errorSummary(error), attempts: step.attempts(), usage: step.usage() };
    };
    const succeeded = (value: unknown): Outcome => {
      const stopping = isStopRequest(value);
      const stored = stopping ? value.payload : value;
      const problem = jsonProblem(stored);
      if (problem !== undefined) {
        return failed(new NotJournallableError({ pipeline: this.pipeline, stepId: this.prefix + step.stepId, problem: stopping ? `its stop payload: ${problem}` : problem }));
      }
      // As JSON reads it back: properties that are undefined are dropped (the engine stores JSON, and refuses undefined).
      const json: unknown = stored === undefined ? undefined : JSON.parse(JSON.stringify(stored));
      return stopping
        ? { kind: "stop", ...(json === undefined ? {} : { payload: json }), attempts: step.attempts(), usage: step.usage() }
        : { kind: "ok", ...(json === undefined ? {} : { value: json }), attempts: step.attempts(), usage: step.usage() };
    };
    return Effect.matchCauseEffect(attempts, {
      // An attempt interrupted from outside (the store is closing, the run moves to another worker) is not an
      // outcome: nothing is journalled, and the step runs again where the run goes on.
      onFailure: (cause) => (Cause.hasInterruptsOnly(cause) ? Effect.failCause(cause as Cause.Cause<never>) : Effect.succeed(failed(Cause.squash(cause)))),
      onSuccess: (value) => Effect.succeed(succeeded(value)),
    });
  }

  /** The step's outcome, as the scheduler expects it: its output or stop request, or its failure. */
  private replay(stepId: string, outcome: Outcome): Effect.Effect<unknown, unknown> {
    switch (outcome.kind) {
      case "ok":
        return Effect.succeed(outcome.value);
      case "stop":
        return Effect.succeed(stopRequest(outcome.payload));
      case "fail": {
        const live = this.failures.get(stepId);
        return Effect.fail(live ?? new JournalledStepError({ stepId, ...outcome.error }));
      }
    }
  }
}
