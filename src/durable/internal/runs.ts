/**
 * A durable run as the workflow engine sees it. Each generation of a run is
 * one workflow execution, keyed by the run id and the generation: the first
 * generation runs the pipeline; a run that ended failed, cancelled or stopped
 * is resumed by the next generation, which starts from the previous one's
 * checkpoint and spend. A completed run's stored result is returned as is.
 *
 * The workflow's body runs the pipeline with the live options of the call
 * that asked for it (services, signal, client, listeners cannot be stored):
 * a process that finds an unfinished run with no caller waiting for it (at
 * startup, say) suspends it until a caller comes back for it; a worker
 * serving the pipeline runs it with the worker's options instead.
 */
import { createHash } from "node:crypto";
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Option from "effect/Option";
import * as Schema from "effect/Schema";
import * as Workflow from "effect/workflow/Workflow";
import * as WorkflowEngine from "effect/workflow/WorkflowEngine";
import { partialOf } from "../../runtime/errors.js";
import type { DurableTarget, JournalledRun } from "../../runtime/options.js";
import type { RunOptions } from "../../runtime/options.js";
import type { Checkpoint, UntypedResult } from "../../runtime/result.js";
import type { RunUsage } from "../../runtime/usage.js";
import { ActivityJournal, type Drain } from "./journal.js";
import type { RunRegistry } from "./registry.js";

/** How one generation ended, as the engine stores it. */
export type Ending =
  | { readonly status: "completed"; readonly result: unknown }
  | {
      readonly status: "failed" | "stopped";
      readonly checkpoint: Checkpoint | null;
      readonly usage: RunUsage | null;
      readonly error: { readonly name: string; readonly message: string } | null;
    };

/** A caller waiting for a generation: what its body runs, and where it leaves the live outcome. */
export interface LiveRun {
  readonly run: JournalledRun;
  readonly options: RunOptions;
  /** Set when a body takes this caller's run. */
  taken: boolean;
  exit: Exit.Exit<UntypedResult, unknown> | undefined;
}

const payload = {
  runId: Schema.String,
  generation: Schema.Number,
  input: Schema.Json,
  carried: Schema.Json,
  checkpoint: Schema.Json,
};

/** The workflow a pipeline shape runs as. */
export type RunWorkflow = ReturnType<typeof defineWorkflow>;

/** A short, stable digest of a pipeline's shape: the workflow is named after it, so a changed pipeline never replays an old journal. */
export const shapeDigest = (target: DurableTarget): string =>
  createHash("sha256").update(JSON.stringify(target.shape)).digest("hex").slice(0, 16);

export const defineWorkflow = (target: DurableTarget) =>
  Workflow.make(`stepgraph/${target.name}/${shapeDigest(target)}`, {
    payload,
    idempotencyKey: (run) => `${run.runId}#${run.generation}`,
    success: Schema.Json,
  });

/** Plain JSON of a value the engine stores: errors become their name and message. */
const toJson = (value: unknown): Schema.Json =>
  JSON.parse(
    JSON.stringify(value, (_key, item: unknown) =>
      item instanceof Error ? { name: item.name, message: item.message } : typeof item === "bigint" ? item.toString() : item,
    ) ?? "null",
  ) as Schema.Json;

const endingOf = (exit: Exit.Exit<UntypedResult, unknown>): Ending => {
  if (Exit.isSuccess(exit)) {
    const result = exit.value;
    if (result.status === "completed") return { status: "completed", result: toJson(result) };
    return { status: "stopped", checkpoint: result.checkpoint, usage: result.usage, error: null };
  }
  const error = Cause.squash(exit.cause);
  const partial = partialOf(error);
  return {
    status: "failed",
    checkpoint: partial?.checkpoint ?? null,
    usage: partial?.usage ?? null,
    error: error instanceof Error ? { name: error.name, message: error.message } : { name: "Error", message: String(error) },
  };
};

/**
 * The workflow's body: run the pipeline with the waiting caller's options and
 * this generation's journal, leave the live outcome for the caller, and store
 * how it ended.
 */
export const bodyOf =
  (target: DurableTarget, live: Map<string, LiveRun>, served: () => ((input: unknown) => LiveRun) | undefined, drain: Drain, marks: Pick<RunRegistry, "mark">) =>
  (run: Schema.Schema.Type<Schema.Struct<typeof payload>>, executionId: string) =>
    Effect.gen(function* () {
      // The waiting caller's run; else, in a worker serving the pipeline, the worker's.
      const caller = live.get(executionId) ?? served()?.(run.input);
      if (caller === undefined) {
        const instance = yield* WorkflowEngine.WorkflowInstance;
        return yield* Workflow.suspend(instance);
      }
      caller.taken = true;
      const carried = run.carried === null ? undefined : (run.carried as unknown as RunUsage);
      const workflow = yield* Effect.context<WorkflowEngine.WorkflowEngine | WorkflowEngine.WorkflowInstance>();
      const journal = new ActivityJournal(target.name, run.runId, run.generation, carried, workflow, drain, marks, executionId);
      const options: RunOptions = run.checkpoint === null ? caller.options : { ...caller.options, resume: run.checkpoint as unknown as Checkpoint };
      const exit = yield* Effect.exit(caller.run(journal, options));
      caller.exit = exit;
      return endingOf(exit) as unknown as Schema.Json;
    });

/** What the engine knows of a generation: nothing yet, suspended, or how it ended. */
export type Polled = { readonly state: "absent" } | { readonly state: "suspended" } | { readonly state: "ended"; readonly ending: Ending };

export const poll = (workflow: RunWorkflow, executionId: string): Effect.Effect<Polled, never, WorkflowEngine.WorkflowEngine> =>
  Effect.map(workflow.poll(executionId), (found): Polled => {
    if (Option.isNone(found)) return { state: "absent" };
    const result = found.value;
    if (result._tag === "Suspended") return { state: "suspended" };
    if (Exit.isSuccess(result.exit)) return { state: "ended", ending: result.exit.value as unknown as Ending };
    // The body never fails; a defect in the engine itself is reported as a failed generation.
    const error = Cause.squash(result.exit.cause);
    return { state: "ended", ending: { status: "failed", checkpoint: null, usage: null, error: { name: "Error", message: String(error) } } };
  });
