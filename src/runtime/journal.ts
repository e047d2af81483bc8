/**
 * The journal seam: what a durable run's journal must do for the runtime.
 * The runtime knows nothing of how outcomes are stored; `stepgraph/durable`
 * implements this over Effect's workflow engine, and hands it to the run
 * through the store in the `durable` run option.
 *
 * Every step of a journalled run goes through {@link StepJournal.step}: it
 * returns the step's journalled outcome when there is one (the step does not
 * run again), else runs the step's attempts and journals how they ended.
 */
import * as Effect from "effect/Effect";
import type { RunEnv } from "./env.js";
import { PipelineDefinitionError } from "./errors.js";
import type { RunOptions } from "./options.js";
import type { UntypedResult } from "./result.js";
import type { RunUsage, Usage } from "./usage.js";

/** What the journal is told about one step, and how it reports a replay back to the run. */
export interface JournalStep {
  /** The step's id in its run. */
  readonly stepId: string;
  /** How many attempts have started in this process (for a step that ran). */
  attempts(): number;
  /** The step's usage so far in this process, by model, to journal with its outcome. */
  usage(): Readonly<Record<string, Usage>>;
  /**
   * Called when the step's outcome came from the journal: its attempts and
   * usage are recorded in the run (and charged to its budgets) as they were
   * when the step ran.
   */
  replayed(attempts: number, usageByModel: Readonly<Record<string, Usage>>): void;
  /** Called when the step runs again after a crash cut an earlier run of it short: it may have had effects twice. */
  possiblyDuplicated(): void;
}

/** A journal of one durable run's step outcomes. */
export interface StepJournal {
  /** The run's id, stable across crashes and processes. */
  readonly runId: string;
  /** Usage spent by earlier generations of this run (before a failure it was resumed from), charged before any step starts. */
  readonly carried: RunUsage | undefined;
  /**
   * Runs `attempts` (the step's attempts under its policy; succeeds with its
   * output or stop request, fails with what it failed with) unless the
   * journal already has its outcome, which it then returns in the same shape.
   */
  step(step: JournalStep, attempts: Effect.Effect<unknown, unknown>): Effect.Effect<unknown, unknown>;
  /** A key stable for this run, step and attempt, to pass to providers and APIs that deduplicate requests. */
  idempotencyKey(stepId: string, attempt: number): string;
  /**
   * The journal of a run nested in one of this run's steps (a sub-pipeline,
   * a router's route): its steps are journalled under `scope` (the step's id
   * and attempt), so a crash inside it does not re-run its finished steps.
   */
  nested(scope: string): StepJournal;
}

/** Runs a pipeline (or router) with a journal: the durable run's body. */
export type JournalledRun = (journal: StepJournal, options: RunOptions) => Effect.Effect<UntypedResult, unknown>;

/** What the runtime needs of a durable run's identity. */
export interface DurableTarget {
  /** The flow's name. */
  readonly name: string;
  /** The flow's step ids and their dependencies, in order: a journal of a different shape is refused. */
  readonly shape: ReadonlyArray<{ readonly id: string; readonly after: ReadonlyArray<string> }>;
}

/** The key by which a store runs a flow durably; a store is any object with this method. */
export const runDurably: unique symbol = Symbol.for("stepgraph/runDurably");

/** What a durable store offers the runtime. */
export interface DurableRunner {
  [runDurably](
    target: DurableTarget,
    runId: string,
    input: unknown,
    options: RunOptions,
    inherited: RunEnv | undefined,
    run: JournalledRun,
  ): Promise<UntypedResult>;
}

/** The `durable` run option: where the run is journalled and under which id. */
export interface DurableOptions {
  /** A store from `stepgraph/durable` (`sqliteStore`, `postgresStore`, `memoryStore`). */
  readonly store: DurableRunner;
  /** The run's id: running the same id again resumes the run (or returns its result if it finished). */
  readonly runId: string;
}

/** Whether `value` is a store the runtime can journal into. */
export const isDurableRunner = (value: unknown): value is DurableRunner =>
  typeof value === "object" && value !== null && typeof (value as { [runDurably]?: unknown })[runDurably] === "function";

/** A run's inherited environment with `journal` as the journal its steps go through. */
const withJournal = (inherited: RunEnv | undefined, journal: StepJournal): RunEnv =>
  inherited === undefined
    ? { signal: undefined, services: undefined, deadline: undefined, budgets: [], limiter: undefined, client: undefined, pricing: undefined, onEvent: undefined, parent: undefined, journal }
    : { ...inherited, journal };

/** What is wrong with a `durable` option from untyped code, if anything. */
const durableProblem = (durable: unknown): string | undefined => {
  if (typeof durable !== "object" || durable === null) return `\`durable\` must be { store, runId }; got ${String(durable)}.`;
  const { store, runId } = durable as Partial<DurableOptions>;
  if (!isDurableRunner(store)) return "`durable.store` must be a store from stepgraph/durable (sqliteStore, postgresStore or memoryStore).";
  if (typeof runId !== "string" || runId.length === 0) return `\`durable.runId\` must be a non-empty string; got ${JSON.stringify(runId)}.`;
  return undefined;
};

/** How a flow runs one of its runs, given the run's options and what it inherits. */
export type FlowRun = (input: unknown, options: RunOptions, inherited: RunEnv | undefined) => Effect.Effect<UntypedResult, unknown>;

/**
 * A run with the `durable` option, as a Promise: the store journals it and
 * runs `run` as its body, with the journal in the environment the run
 * inherits (so nested runs find it too).
 */
export const startJournalled = (target: DurableTarget, input: unknown, options: RunOptions, inherited: RunEnv | undefined, run: FlowRun): Promise<UntypedResult> => {
  const { durable, ...rest } = options;
  const problem = durableProblem(durable);
  if (problem !== undefined) return Promise.reject(new PipelineDefinitionError({ pipeline: target.name, problem }));
  const { store, runId } = durable!;
  return store[runDurably](target, runId, input, rest, inherited, (journal, bodyOptions) => run(input, bodyOptions, withJournal(inherited, journal)));
};

/** {@link startJournalled} as an Effect. */
export const runJournalled = (target: DurableTarget, input: unknown, options: RunOptions, inherited: RunEnv | undefined, run: FlowRun): Effect.Effect<UntypedResult, unknown> =>
  Effect.tryPromise({ try: () => startJournalled(target, input, options, inherited, run), catch: (error) => error });
