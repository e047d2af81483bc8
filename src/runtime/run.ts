/**
 * What a run is: validate the input, compile the plan, run the steps under
 * the run's deadline, signal and budgets, and turn the outcome into a result
 * or a typed error. `runPipeline` is the run as an Effect (`p.toEffect`);
 * `runPipelineToPromise` is `p.run`, which skips the run's own fiber when
 * there is nothing to race the steps against.
 */
import * as Cause from "effect/Cause";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import type { StandardSchemaV1 } from "../builder/input-schema.js";
import type { PipelineDefinition } from "./definition.js";
import { PipelineCancelledError, PipelineInputError, PipelineTimeoutError, type PipelineError } from "./errors.js";
import { runSteps, startSteps } from "./internal/scheduler.js";
import { budgetsOf, NO_BUDGETS, outcomeOf, prepare, scheduleOf, scopeOf, withPartial, type RunSetup } from "./internal/setup.js";
import { RunState } from "./internal/state.js";
import type { RunOptions } from "./options.js";
import type { PipelineResult, StoppedResult } from "./result.js";

/** A run's result before the builder's types narrow it. */
export type UntypedResult =
  | PipelineResult<Readonly<Record<string, unknown>>, unknown>
  | StoppedResult<Readonly<Record<string, unknown>>, unknown>;

const validateInput = (definition: PipelineDefinition, input: unknown): Effect.Effect<unknown, PipelineInputError> => {
  const schema = definition.input;
  if (schema === undefined) return Effect.succeed(input);
  const toEffect = (outcome: StandardSchemaV1.Result<unknown>) =>
    outcome.issues === undefined
      ? Effect.succeed(outcome.value)
      : Effect.fail(new PipelineInputError({ pipeline: definition.name, issues: outcome.issues }));
  return Effect.suspend(() => {
    const outcome = schema["~standard"].validate(input);
    return outcome instanceof Promise ? Effect.flatMap(Effect.promise(() => outcome), toEffect) : toEffect(outcome);
  });
};

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

/** Runs a pipeline definition: the Effect behind `p.toEffect` (and `p.run` when the run has a deadline, signal or budget). */
export const runPipeline = (
  definition: PipelineDefinition,
  input: unknown,
  options: RunOptions = {},
): Effect.Effect<UntypedResult, PipelineError> =>
  Effect.suspend(() => {
    const prepared = prepare(definition, options);
    return prepared._tag === "Failure" ? Exit.failCause(prepared.cause) : runPrepared(definition, input, options, prepared.value);
  });

/**
 * Runs a pipeline definition as a Promise that rejects with the run's own
 * error: `p.run`. A run with a deadline, signal or budget is
 * {@link runPipeline}'s Effect, whose fiber races the steps against them.
 * Any other run has nothing to race, so its steps are started and awaited
 * without a fiber of the run's own (Effect steps still get theirs): the
 * same outcome, at a fraction of a small run's cost.
 */
export const runPipelineToPromise = (definition: PipelineDefinition, input: unknown, options: RunOptions = {}): Promise<UntypedResult> => {
  let prepared: Exit.Exit<RunSetup, PipelineError>;
  try {
    prepared = prepare(definition, options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (prepared._tag === "Failure") return Promise.reject(Cause.squash(prepared.cause));
  const setup = prepared.value;
  if (setup.timeoutMs !== undefined || options.signal !== undefined || setup.runBudget !== undefined || (options.budgets?.length ?? 0) > 0) {
    return runToPromise(runPrepared(definition, input, options, setup));
  }
  return new Promise<UntypedResult>((resolve, reject) => {
    const schema = definition.input;
    if (schema === undefined) return launch(definition, input, options, setup, resolve, reject);
    const outcome = schema["~standard"].validate(input);
    if (outcome instanceof Promise) outcome.then((result) => validated(definition, result, options, setup, resolve, reject), reject);
    else validated(definition, outcome, options, setup, resolve, reject);
  });
};

type Resolve = (result: UntypedResult) => void;
type Reject = (error: unknown) => void;

/** Launches the run on the input its schema parsed, or rejects with the schema's issues. */
const validated = (
  definition: PipelineDefinition,
  outcome: StandardSchemaV1.Result<unknown>,
  options: RunOptions,
  setup: RunSetup,
  resolve: Resolve,
  reject: Reject,
): void => {
  if (outcome.issues === undefined) launch(definition, outcome.value, options, setup, resolve, reject);
  else reject(new PipelineInputError({ pipeline: definition.name, issues: outcome.issues }));
};

/** Starts the steps of a run without a fiber of its own, and settles the Promise with its outcome. */
const launch = (definition: PipelineDefinition, parsed: unknown, options: RunOptions, setup: RunSetup, resolve: Resolve, reject: Reject): void => {
  const state = new RunState(setup.plan, options.onEvent, setup.resumed);
  startSteps(scopeOf(definition, parsed, options, setup, state, NO_BUDGETS), scheduleOf(setup), EMPTY_CONTEXT, () => {
    const exit = outcomeOf(definition, setup.plan, state);
    if (exit._tag === "Success") resolve(exit.value);
    else reject(Cause.squash(exit.cause));
  });
};

/** Validates the input, then runs the steps. */
const runPrepared = (definition: PipelineDefinition, input: unknown, options: RunOptions, setup: RunSetup): Effect.Effect<UntypedResult, PipelineError> =>
  // Without a schema the input is used as given: no Effect to validate it.
  definition.input === undefined
    ? startRun(definition, input, options, setup)
    : Effect.flatMap(validateInput(definition, input), (parsed) => startRun(definition, parsed, options, setup));

/** Runs the steps on the parsed input, under the run's deadline, budgets and signal. */
const startRun = (
  definition: PipelineDefinition,
  parsed: unknown,
  options: RunOptions,
  setup: RunSetup,
): Effect.Effect<UntypedResult, PipelineError> => {
  const { plan, timeoutMs } = setup;
  const state = new RunState(plan, options.onEvent, setup.resumed);
  const budgets = budgetsOf(setup.runBudget, options.budgets);
  let steps: Effect.Effect<void, PipelineError> = runSteps(scopeOf(definition, parsed, options, setup, state, budgets), scheduleOf(setup));
  if (timeoutMs !== undefined) {
    const ms = timeoutMs;
    steps = Effect.timeoutOrElse(steps, {
      duration: ms,
      orElse: () => Effect.fail(new PipelineTimeoutError({ pipeline: definition.name, timeoutMs: ms, partial: state.partial(definition.name) })),
    });
  }
  if (budgets.length > 0) {
    const crossed = Effect.callback<never, PipelineError>((resume) => {
      const unsubscribe = budgets.map((budget) => budget.onBreach((error) => resume(Effect.fail(withPartial(definition, state, error)))));
      return Effect.sync(() => unsubscribe.forEach((stop) => stop()));
    });
    steps = Effect.raceFirst(steps, crossed);
  }
  const signal = options.signal;
  if (signal !== undefined) {
    const cancelled = () =>
      new PipelineCancelledError({ pipeline: definition.name, reason: signal.reason, partial: state.partial(definition.name) });
    steps = signal.aborted ? Effect.fail(cancelled()) : Effect.raceFirst(steps, abortedBy(signal, cancelled));
  }
  return Effect.flatMap(steps, () => outcomeOf(definition, plan, state));
};

/** Runs an Effect-built run as a Promise that rejects with the run's own error (not a wrapper). */
export const runToPromise = async <A>(effect: Effect.Effect<A, PipelineError>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect);
  if (exit._tag === "Success") return exit.value;
  throw Cause.squash(exit.cause);
};
