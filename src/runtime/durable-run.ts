/**
 * How a run with the `durable` option is started: its store journals it and
 * runs the flow as the journal's body, with the journal in the environment
 * the run inherits, so its steps (and nested runs) go through it.
 */
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import { emptyEnv, type RunEnv } from "./env.js";
import { PipelineDefinitionError } from "./errors.js";
import type { StepJournal } from "./journal.js";
import type { Flow } from "./flow.js";
import { isDurableRunner, runDurably, type DurableOptions, type DurableTarget, type JournalledRun, type RunOptions } from "./options.js";
import type { UntypedResult } from "./result.js";

/** A run's inherited environment with `journal` as the journal its steps go through. */
const withJournal = (inherited: RunEnv | undefined, journal: StepJournal): RunEnv =>
  ({ ...(inherited ?? emptyEnv), journal });

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
  const effects = inherited?.effects;
  return store[runDurably](target, runId, input, rest, (journal, bodyOptions) => {
    const body = run(input, bodyOptions, withJournal(inherited, journal));
    // The body runs in the engine's fibers: it takes the Effect services its caller was given (a layer's, a runtime's).
    return effects === undefined ? body : Effect.updateContext(body, (context: Context.Context<never>) => Context.merge(effects, context));
  });
};

/** How a process that serves a flow runs one of its durable runs that no caller waits for (a worker's): with `input` as journalled. */
export const journalledRunOf =
  (flow: Flow, input: unknown): JournalledRun =>
  (journal, options) =>
    flow.run(input, options, withJournal(undefined, journal));

/** {@link startJournalled} as an Effect. */
export const runJournalled = (target: DurableTarget, input: unknown, options: RunOptions, inherited: RunEnv | undefined, run: FlowRun): Effect.Effect<UntypedResult, unknown> =>
  Effect.flatMap(Effect.context<never>(), (effects) =>
    Effect.tryPromise({ try: () => startJournalled(target, input, options, { ...(inherited ?? emptyEnv), effects }, run), catch: (error) => error }),
  );
