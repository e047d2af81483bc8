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
import { CostBudgetExceededError, PipelineCancelledError, PipelineTimeoutError, type PipelineError } from "./errors.js";
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
  effects: Context.Context<never>,
): RunScope => ({
  pipeline: definition.name,
  input: parsed,
  state,
  env: prepared.env,
  stepBudgets: new Map(),
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

/** Checks the input, then runs the steps. */
const runPrepared = (definition: PipelineDefinition, input: unknown, prepared: Prepared, record: RunRecord | undefined) => {
  const start = (parsed: unknown) => startRun(definition, parsed, prepared, record ?? new RunRecord(prepared.env.onEvent));
  // Without a schema the input is used as given: no Effect to validate it.
  return definition.input === undefined ? start(input) : Effect.flatMap(validateInput(definition.name, definition.input, input), start);
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
    const launch = (checked: Exit.Exit<unknown, PipelineError>): void => {
      if (checked._tag === "Failure") return reject(Cause.squash(checked.cause));
      const state = new RunState(setup.plan, new RunRecord(setup.env.onEvent), setup.resumed);
      startSteps(scopeOf(definition, checked.value, setup, state, effects), setup, effects, () => {
        const exit = outcomeOf(definition.name, setup.plan, state);
        if (exit._tag === "Success") resolve(exit.value);
        else reject(Cause.squash(exit.cause));
      });
    };
    const checked = checkInput(definition.name, definition.input, input);
    if (checked instanceof Promise) checked.then(launch, reject);
    else launch(checked);
  });
};

/** Runs the steps on the parsed input, under the run's deadline, budgets and signal. */
const startRun = (definition: PipelineDefinition, parsed: unknown, prepared: Prepared, record: RunRecord): Effect.Effect<UntypedResult, PipelineError> => {
  const { plan, timeoutMs, env } = prepared;
  const name = definition.name;
  const state = new RunState(plan, record, prepared.resumed);
  let steps: Effect.Effect<void, PipelineError> = Effect.contextWith((effects: Context.Context<never>) =>
    runSteps(scopeOf(definition, parsed, prepared, state, effects), prepared),
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
  return {
    name: definition.name,
    facts,
    run: (input, options, inherited) => runPipeline(definition, input, options, inherited),
    start: (input, options, inherited) => startPipeline(definition, input, options, inherited),
    owns: (checkpoint: Checkpoint) => checkpoint.pipeline === definition.name,
    graph,
  };
};
