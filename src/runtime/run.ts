/**
 * What a run is: validate the input, compile the plan, run the steps under
 * the run's deadline and signal, and turn the outcome into a result or a
 * typed error.
 */
import { Cause, Effect } from "effect";
import type { StandardSchemaV1 } from "../builder/input-schema.js";
import { toMillis } from "./config.js";
import type { PipelineDefinition } from "./definition.js";
import type { PriceTable } from "../agents/pricing.js";
import { BudgetScope } from "./budget.js";
import { limiterOf, type RateLimiter } from "./rate-limit.js";
import {
  CheckpointMismatchError,
  CostBudgetExceededError,
  PipelineCancelledError,
  PipelineDefinitionError,
  PipelineInputError,
  PipelineTimeoutError,
  StepExecutionError,
  type PipelineError,
} from "./errors.js";
import type { RunScope } from "./internal/context.js";
import { compilePlan, type CompiledStep } from "./internal/plan.js";
import { runSteps } from "./internal/scheduler.js";
import { RunState } from "./internal/state.js";
import type { RunOptions } from "./options.js";
import type { Checkpoint, PipelineResult, StoppedResult } from "./result.js";

/** A run's result before the builder's types narrow it. */
export type UntypedResult =
  | PipelineResult<Readonly<Record<string, unknown>>, unknown>
  | StoppedResult<Readonly<Record<string, unknown>>, unknown>;

const checkResume = (definition: PipelineDefinition, checkpoint: Checkpoint): string | undefined => {
  if (typeof checkpoint !== "object" || checkpoint === null || !Array.isArray(checkpoint.steps)) {
    return "it is not a checkpoint (expected { pipeline, steps, outputs } from a result's `checkpoint`).";
  }
  if (checkpoint.pipeline !== definition.name) return `it was made by pipeline "${checkpoint.pipeline}".`;
  const ids = definition.steps.map((step) => step.id);
  if (ids.length !== checkpoint.steps.length || ids.some((id, index) => checkpoint.steps[index] !== id)) {
    return `its steps (${checkpoint.steps.join(", ")}) no longer match the pipeline's (${ids.join(", ")}).`;
  }
  const unknown = Object.keys(checkpoint.outputs ?? {}).filter((id) => !ids.includes(id));
  if (unknown.length > 0) return `it has outputs for unknown steps (${unknown.join(", ")}).`;
  return undefined;
};

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

const mergePricing = (pipeline: PriceTable | undefined, run: PriceTable | undefined): PriceTable | undefined =>
  pipeline === undefined && run === undefined ? undefined : { ...pipeline, ...run };

const definitionError = (definition: PipelineDefinition, error: unknown) =>
  new PipelineDefinitionError({ pipeline: definition.name, problem: error instanceof Error ? error.message : String(error) });

const positiveInteger = (value: number | undefined, what: string): number | undefined => {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new TypeError(`${what} must be a whole number of at least 1, got ${String(value)}.`);
  }
  return value;
};

/** Waits for `signal` to abort, then fails with the error `onAbort` builds. */
const abortedBy = <E>(signal: AbortSignal, onAbort: () => E): Effect.Effect<never, E> =>
  Effect.callback<never, E>((resume) => {
    if (signal.aborted) return resume(Effect.fail(onAbort()));
    const listener = () => resume(Effect.fail(onAbort()));
    signal.addEventListener("abort", listener, { once: true });
    return Effect.sync(() => signal.removeEventListener("abort", listener));
  });

/** Runs a pipeline definition: the Effect behind `p.toEffect` and `p.run`. */
export const runPipeline = (
  definition: PipelineDefinition,
  input: unknown,
  options: RunOptions = {},
): Effect.Effect<UntypedResult, PipelineError> =>
  Effect.suspend(() => {
    let plan: ReturnType<typeof compilePlan>;
    let timeoutMs: number | undefined;
    let maxConcurrency: number | undefined;
    let runBudget: BudgetScope | undefined;
    let limiter: RateLimiter | undefined;
    try {
      limiter = limiterOf(options.rateLimit);
      plan = compilePlan(definition, options);
      const costBudget = options.costBudget ?? definition.settings.costBudget;
      runBudget = costBudget === undefined ? undefined : new BudgetScope({ limitUsd: costBudget, scope: "run" });
      timeoutMs = options.timeout === undefined ? undefined : toMillis(options.timeout, "run timeout");
      maxConcurrency = positiveInteger(options.maxConcurrency ?? definition.settings.maxConcurrency, "maxConcurrency");
    } catch (error) {
      return Effect.fail(definitionError(definition, error));
    }
    const failFast = options.failFast ?? definition.settings.failFast ?? false;
    const resume = options.resume;
    if (resume !== undefined) {
      const problem = checkResume(definition, resume);
      if (problem !== undefined) return Effect.fail(new CheckpointMismatchError({ pipeline: definition.name, problem }));
    }
    const setup: RunSetup = { plan, timeoutMs, maxConcurrency, failFast, runBudget, limiter, resumed: resume?.outputs };
    // Without a schema the input is used as given: no Effect to validate it.
    if (definition.input === undefined) return startRun(definition, input, options, setup);
    return Effect.flatMap(validateInput(definition, input), (parsed) => startRun(definition, parsed, options, setup));
  });

/** What a run resolved from its definition and options before it starts. */
interface RunSetup {
  readonly plan: ReadonlyArray<CompiledStep>;
  readonly timeoutMs: number | undefined;
  readonly maxConcurrency: number | undefined;
  readonly failFast: boolean;
  readonly runBudget: BudgetScope | undefined;
  readonly limiter: RateLimiter | undefined;
  readonly resumed: Readonly<Record<string, unknown>> | undefined;
}

const NO_BUDGETS: ReadonlyArray<BudgetScope> = [];

/** The run's budgets: its own `costBudget`'s, then the ones it was given. */
const budgetsOf = (runBudget: BudgetScope | undefined, given: ReadonlyArray<BudgetScope> | undefined): ReadonlyArray<BudgetScope> => {
  if (runBudget === undefined) return given === undefined || given.length === 0 ? NO_BUDGETS : [...given];
  return given === undefined ? [runBudget] : [runBudget, ...given];
};

/** A budget error with what the run had done when it was raised. */
const withPartial = (definition: PipelineDefinition, state: RunState, error: CostBudgetExceededError) =>
  new CostBudgetExceededError({ ...error, partial: state.partial(definition.name) });

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
  const scope: RunScope = {
    pipeline: definition.name,
    input: parsed,
    services: options.services ?? {},
    state,
    client: options.client ?? definition.settings.client,
    pricing: mergePricing(definition.settings.pricing, options.pricing),
    budgets,
    stepBudgets: new Map(),
    limiter: setup.limiter,
  };
  let steps: Effect.Effect<void, PipelineError> = runSteps(scope, {
    maxConcurrency: setup.maxConcurrency,
    failFast: setup.failFast,
    deadline: timeoutMs,
  });
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

/** The run's result, or its error: the first step failure, or a budget crossed inside a step. */
const outcomeOf = (
  definition: PipelineDefinition,
  plan: ReadonlyArray<CompiledStep>,
  state: RunState,
): Effect.Effect<UntypedResult, PipelineError> => {
  const failure = state.failure;
  if (failure?.cause instanceof CostBudgetExceededError) return Effect.fail(withPartial(definition, state, failure.cause));
  if (failure !== undefined) {
    return Effect.fail(
      new StepExecutionError({
        pipeline: definition.name,
        stepId: failure.stepId,
        cause: failure.cause,
        attempts: failure.attempts,
        partial: state.partial(definition.name),
      }),
    );
  }
  const usage = state.ledger.snapshot();
  const timing = state.timing();
  const checkpoint = state.checkpoint(definition.name);
  const abort = state.abort;
  if (abort?.kind === "stop") {
    state.skipRemaining();
    return Effect.succeed<UntypedResult>({
      status: "stopped",
      stoppedEarly: true,
      stop: { stepId: abort.stepId, payload: abort.payload },
      output: undefined,
      outputs: state.outputs(),
      usage,
      timing,
      trace: state.trace,
      checkpoint,
    });
  }
  const last = plan[plan.length - 1];
  return Effect.succeed<UntypedResult>({
    status: "completed",
    stoppedEarly: false,
    output: last === undefined ? undefined : state.output(last.index),
    outputs: state.outputs(),
    usage,
    timing,
    trace: state.trace,
    checkpoint,
  });
};

/** Runs an Effect-built run as a Promise that rejects with the run's own error (not a wrapper). */
export const runToPromise = async <A>(effect: Effect.Effect<A, PipelineError>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect);
  if (exit._tag === "Success") return exit.value;
  throw Cause.squash(exit.cause);
};
