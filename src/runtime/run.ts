/**
 * What a run of a pipeline is: resolve its environment and plan, check the
 * input, run the steps under the run's deadline, signal and budgets, and
 * turn the outcome into a result or a typed error. {@link pipelineFlow} is a
 * pipeline as a {@link Flow}: as an Effect (`p.toEffect`, nested runs), or
 * as a Promise (`p.run`) that skips the run's own fiber when there is
 * nothing to race the steps against.
 */
import * as Cause from "effect/Cause";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import type { Graph } from "../graph/graph.js";
import type { StepFacts } from "../graph/facts.js";
import type { PipelineDefinition } from "./definition.js";
import type { RunEnv } from "./env.js";
import { reserve } from "./budget.js";
import { CostBudgetExceededError, PipelineCancelledError, PipelineTimeoutError, type PipelineError } from "./errors.js";
import { runJournalled, startJournalled } from "./durable-run.js";
import type { StepJournal } from "./journal.js";
import type { RunUsage } from "./usage.js";
import type { Flow } from "./flow.js";
import { checkInput, validateInput } from "./input.js";
import type { RunScope } from "./internal/context.js";
import { budgetErrorOf, outcomeOf } from "./internal/outcome.js";
import { prepare, type Prepared } from "./internal/prepare.js";
import { RunRecord } from "./record.js";
import { runSteps, startSteps } from "./internal/scheduler.js";
import { RunState } from "./internal/state.js";
import type { RunOptions } from "./options.js";
import type { Checkpoint, UntypedResult } from "./result.js";

/** Waits for `signal` to abort, then fails with the error `onAbort` builds. */
const abortedBy = <E>(signal: AbortSignal, onAbort: () => E): Effect.Effect<never, E> =>
  Effect.callback<never, E>((resume) => {
    if (signal.aborted) return resume(Effect.fail(onAbort()));
    const listener = () => resume(Effect.fail(onAbort()));
    signal.addEventListener("abort", listener, { once: true });
    return Effect.sync(() => signal.removeEventListener("abort", listener));
  });

/** The context of a run started from `p.run`, as `Effect.runPromise` would give it. */
const EMPTY_CONTEXT = Context.empty();

/** Whether anything can end the run from outside its steps (its deadline, signal or budgets), so it needs a fiber to race them. */
const needsFiber = (prepared: Prepared): boolean =>
  prepared.timeoutMs !== undefined || prepared.env.signal !== undefined || prepared.env.budgets.length > 0;

const scopeOf = (
  definition: PipelineDefinition,
  parsed: unknown,
  prepared: Prepared,
  state: RunState,
  journal: StepJournal | undefined,
  effects: Context.Context<never>,
): RunScope => ({
  pipeline: definition.name,
  input: parsed,
  state,
  env: prepared.env,
  stepBudgets: new Map(),
  journal,
  runId: undefined,
  effects,
});

/**
 * Runs a pipeline definition as an Effect. `record` is where its events and
 * usage go: a new one for a run of its own, the router's for a router's
 * routing step.
 */
export const runPipeline = (
  definition: PipelineDefinition,
  input: unknown,
  options: RunOptions,
  inherited: RunEnv | undefined,
  record?: RunRecord,
): Effect.Effect<UntypedResult, PipelineError> =>
  Effect.suspend(() => {
    const prepared = prepare(definition, options, inherited);
    return prepared._tag === "Failure" ? Exit.failCause(prepared.cause) : runPrepared(definition, input, prepared.value, record);
  });

/** A new record for a run of `name` in `env`: traced when the env has telemetry. */
export const recordOf = (name: string, kind: "pipeline" | "router", env: RunEnv): RunRecord =>
  new RunRecord(env.onEvent, env.telemetry === undefined ? undefined : { telemetry: env.telemetry, pipeline: name, kind, runId: env.journal?.runId });

/**
 * `run`, ending `record`'s span when it ends (waiting for the spans to be
 * flushed when the telemetry asks for it). Only the code that made a record
 * finishes it.
 */
export const finishing = <A extends { readonly status: "completed" | "stopped" }, E>(
  record: RunRecord,
  env: RunEnv,
  run: Effect.Effect<A, E>,
): Effect.Effect<A, E> =>
  record.span === undefined
    ? run
    : Effect.onExit(run, (exit) => {
        const flushed = record.finish(exit, env.budgets);
        return flushed === undefined ? Effect.void : Effect.promise(() => flushed);
      });

/** Checks the input, then runs the steps. */
const runPrepared = (definition: PipelineDefinition, input: unknown, prepared: Prepared, given: RunRecord | undefined) => {
  const record = given ?? recordOf(definition.name, "pipeline", prepared.env);
  const start = (parsed: unknown) => startRun(definition, parsed, prepared, record);
  // Without a schema the input is used as given: no Effect to validate it.
  const run = definition.input === undefined ? start(input) : Effect.flatMap(validateInput(definition.name, definition.input, input), start);
  return given === undefined ? finishing(record, prepared.env, run) : run;
};

/**
 * Runs a pipeline definition as a Promise that rejects with the run's own
 * error. A run with a deadline, signal or budget is {@link runPipeline}'s
 * Effect, whose fiber races the steps against them. Any other run has
 * nothing to race, so its steps are started and awaited without a fiber of
 * the run's own (Effect steps still get theirs): the same outcome, at a
 * fraction of a small run's cost.
 */
const startPipeline = (definition: PipelineDefinition, input: unknown, options: RunOptions, inherited: RunEnv | undefined): Promise<UntypedResult> => {
  let prepared: Exit.Exit<Prepared, PipelineError>;
  try {
    prepared = prepare(definition, options, inherited);
  } catch (error) {
    return Promise.reject(error);
  }
  if (prepared._tag === "Failure") return Promise.reject(Cause.squash(prepared.cause));
  const setup = prepared.value;
  const effects = setup.env.effects ?? EMPTY_CONTEXT;
  if (needsFiber(setup)) return runToPromise(runPrepared(definition, input, setup, undefined), effects);
  return new Promise<UntypedResult>((resolve, reject) => {
    const record = recordOf(definition.name, "pipeline", setup.env);
    const settle = (exit: Exit.Exit<UntypedResult, PipelineError>): void => {
      if (exit._tag === "Success") resolve(exit.value);
      else reject(Cause.squash(exit.cause));
    };
    const end = (exit: Exit.Exit<UntypedResult, PipelineError>): void => {
      const flushed = record.finish(exit, setup.env.budgets);
      if (flushed === undefined) settle(exit);
      else flushed.then(() => settle(exit));
    };
    const launch = (checked: Exit.Exit<unknown, PipelineError>): void => {
      if (checked._tag === "Failure") return end(checked as Exit.Exit<never, PipelineError>);
      const state = new RunState(setup.plan, record, setup.resumed);
      startSteps(scopeOf(definition, checked.value, setup, state, undefined, effects), setup, effects, () => end(outcomeOf(definition.name, setup.plan, state)));
    };
    const checked = checkInput(definition.name, definition.input, input);
    if (checked instanceof Promise) checked.then(launch, (error: unknown) => end(Exit.die(error)));
    else launch(checked);
  });
};

/** Runs the steps on the parsed input, under the run's deadline, budgets and signal. */
const startRun = (
  definition: PipelineDefinition,
  parsed: unknown,
  prepared: Prepared,
  record: RunRecord,
): Effect.Effect<UntypedResult, PipelineError> => {
  const { plan, timeoutMs, env } = prepared;
  const journal = env.journal;
  const name = definition.name;
  const state = new RunState(plan, record, prepared.resumed);
  if (journal?.carried !== undefined) carry(record, env, journal.carried);
  let steps: Effect.Effect<void, PipelineError> = Effect.contextWith((effects: Context.Context<never>) =>
    runSteps(scopeOf(definition, parsed, prepared, state, journal, effects), prepared),
  );
  if (timeoutMs !== undefined) {
    const timedOut = () => Effect.fail(new PipelineTimeoutError({ pipeline: name, timeoutMs, partial: state.partial(name) }));
    steps = timeoutMs <= 0 ? Effect.suspend(timedOut) : Effect.timeoutOrElse(steps, { duration: timeoutMs, orElse: timedOut });
  }
  const budgets = env.budgets;
  if (budgets.length > 0) {
    const crossed = Effect.callback<never, PipelineError>((resume) => {
      const unsubscribe = budgets.map((budget) => budget.onBreach((error) => resume(Effect.fail(budgetErrorOf(name, state, error)))));
      return Effect.sync(() => unsubscribe.forEach((stop) => stop()));
    });
    steps = Effect.raceFirst(steps, crossed);
  }
  const signal = env.signal;
  if (signal !== undefined) {
    // A signal aborted by a crossed budget (a step's, around a nested run) ends the run with that budget's error.
    const cancelled = (): PipelineError =>
      signal.reason instanceof CostBudgetExceededError
        ? budgetErrorOf(name, state, signal.reason)
        : new PipelineCancelledError({ pipeline: name, reason: signal.reason, partial: state.partial(name) });
    steps = signal.aborted ? Effect.fail(cancelled()) : Effect.raceFirst(steps, abortedBy(signal, cancelled));
  }
  return Effect.flatMap(steps, () => outcomeOf(name, plan, state));
};

/** Records what earlier generations of a durable run spent, and charges it to the run's budgets, before any step starts. */
const carry = (record: RunRecord, env: RunEnv, usage: RunUsage): void => {
  for (const [stepId, stepUsage] of Object.entries(usage.byStep)) {
    record.ledger.recordNested(stepId, { ...stepUsage, byStep: {}, byModel: {} });
  }
  if (usage.costNanoUsd !== null && usage.costNanoUsd > 0 && env.budgets.length > 0) reserve(env.budgets, 0, undefined).settle(usage.costNanoUsd);
};

/**
 * Runs an Effect-built run as a Promise that rejects with the run's own error
 * (not a wrapper), with the Effect services `effects` (none by default).
 */
export const runToPromise = async <A>(effect: Effect.Effect<A, unknown>, effects: Context.Context<never> = EMPTY_CONTEXT): Promise<A> => {
  const exit = await Effect.runPromiseExitWith(effects)(effect);
  if (exit._tag === "Success") return exit.value;
  throw Cause.squash(exit.cause);
};

/** A pipeline definition as a {@link Flow}. `graph` is the builder's projection of it. */
export const pipelineFlow = (definition: PipelineDefinition, graph: () => Graph): Flow => {
  const facts: StepFacts = { kind: "pipeline", pipeline: definition.name };
  const run = (input: unknown, options: RunOptions, inherited: RunEnv | undefined) => runPipeline(definition, input, options, inherited);
  const target = () => ({ name: definition.name, shape: definition.steps.map((step) => ({ id: step.id, after: step.after })) });
  return {
    name: definition.name,
    facts,
    run: (input, options, inherited) =>
      options.durable === undefined ? runPipeline(definition, input, options, inherited) : runJournalled(target(), input, options, inherited, run),
    start: (input, options, inherited) =>
      options.durable === undefined ? startPipeline(definition, input, options, inherited) : startJournalled(target(), input, options, inherited, run),
    owns: (checkpoint: Checkpoint) => checkpoint.pipeline === definition.name,
    journalTarget: target,
    graph,
  };
};
