/**
 * How a run is set up and concluded, whichever way it runs (as an Effect or
 * as a Promise): its plan and settings resolved from the definition and the
 * run's options, the scope its steps share, and its result or typed error.
 */
import * as Exit from "effect/Exit";
import type { PriceTable } from "../../agents/pricing.js";
import { BudgetScope } from "../budget.js";
import { toMillis } from "../config.js";
import type { PipelineDefinition } from "../definition.js";
import {
  CheckpointMismatchError,
  CostBudgetExceededError,
  PipelineDefinitionError,
  StepExecutionError,
  type PipelineError,
} from "../errors.js";
import type { RunOptions } from "../options.js";
import { limiterOf, type RateLimiter } from "../rate-limit.js";
import type { Checkpoint } from "../result.js";
import type { UntypedResult } from "../run.js";
import type { RunScope } from "./context.js";
import { compilePlan, type CompiledStep } from "./plan.js";
import type { ScheduleOptions } from "./scheduler.js";
import type { RunState } from "./state.js";

/** Why a checkpoint cannot resume this pipeline, if it cannot. */
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

/** Resolves what a run needs from its definition and options, or the error that stops it before it starts. */
export const prepare = (definition: PipelineDefinition, options: RunOptions): Exit.Exit<RunSetup, PipelineError> => {
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
    return Exit.fail(definitionError(definition, error));
  }
  const failFast = options.failFast ?? definition.settings.failFast ?? false;
  const resume = options.resume;
  if (resume !== undefined) {
    const problem = checkResume(definition, resume);
    if (problem !== undefined) return Exit.fail(new CheckpointMismatchError({ pipeline: definition.name, problem }));
  }
  return Exit.succeed({ plan, timeoutMs, maxConcurrency, failFast, runBudget, limiter, resumed: resume?.outputs });
};

/** What a run resolved from its definition and options before it starts. */
export interface RunSetup {
  readonly plan: ReadonlyArray<CompiledStep>;
  readonly timeoutMs: number | undefined;
  readonly maxConcurrency: number | undefined;
  readonly failFast: boolean;
  readonly runBudget: BudgetScope | undefined;
  readonly limiter: RateLimiter | undefined;
  readonly resumed: Readonly<Record<string, unknown>> | undefined;
}

export const NO_BUDGETS: ReadonlyArray<BudgetScope> = [];

/** The run's budgets: its own `costBudget`'s, then the ones it was given. */
export const budgetsOf = (runBudget: BudgetScope | undefined, given: ReadonlyArray<BudgetScope> | undefined): ReadonlyArray<BudgetScope> => {
  if (runBudget === undefined) return given === undefined || given.length === 0 ? NO_BUDGETS : [...given];
  return given === undefined ? [runBudget] : [runBudget, ...given];
};

/** A budget error with what the run had done when it was raised. */
export const withPartial = (definition: PipelineDefinition, state: RunState, error: CostBudgetExceededError) =>
  new CostBudgetExceededError({ ...error, partial: state.partial(definition.name) });

/** What every step of the run shares. */
export const scopeOf = (
  definition: PipelineDefinition,
  parsed: unknown,
  options: RunOptions,
  setup: RunSetup,
  state: RunState,
  budgets: ReadonlyArray<BudgetScope>,
): RunScope => ({
  pipeline: definition.name,
  input: parsed,
  services: options.services ?? {},
  state,
  client: options.client ?? definition.settings.client,
  pricing: mergePricing(definition.settings.pricing, options.pricing),
  budgets,
  stepBudgets: new Map(),
  limiter: setup.limiter,
});

/** How the scheduler runs this run's steps. */
export const scheduleOf = (setup: RunSetup): ScheduleOptions => ({
  maxConcurrency: setup.maxConcurrency,
  failFast: setup.failFast,
  deadline: setup.timeoutMs,
});

/** The run's result, or its error: the first step failure, or a budget crossed inside a step. */
export const outcomeOf = (
  definition: PipelineDefinition,
  plan: ReadonlyArray<CompiledStep>,
  state: RunState,
): Exit.Exit<UntypedResult, PipelineError> => {
  const failure = state.failure;
  if (failure?.cause instanceof CostBudgetExceededError) return Exit.fail(withPartial(definition, state, failure.cause));
  if (failure !== undefined) {
    return Exit.fail(
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
    return Exit.succeed<UntypedResult>({
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
  return Exit.succeed<UntypedResult>({
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
