/**
 * How a run of a plan ends: its result, or its typed error, read off its state.
 */
import * as Exit from "effect/Exit";
import { CostBudgetExceededError, StepExecutionError, type PipelineError } from "../errors.js";
import type { UntypedResult } from "../result.js";
import type { CompiledStep } from "./plan.js";
import type { RunState } from "./state.js";

/** A budget error with what the run had done when it was raised. */
export const budgetErrorOf = (pipeline: string, state: RunState, error: CostBudgetExceededError): CostBudgetExceededError =>
  new CostBudgetExceededError({ ...error, partial: state.partial(pipeline) });

/**
 * The run's result, or its error: the first step failure, or a budget
 * crossed inside a step. A run that stopped early marks the steps it never
 * started as skipped first.
 */
export const outcomeOf = (pipeline: string, plan: ReadonlyArray<CompiledStep>, state: RunState): Exit.Exit<UntypedResult, PipelineError> => {
  const failure = state.failure;
  if (failure?.cause instanceof CostBudgetExceededError) return Exit.fail(budgetErrorOf(pipeline, state, failure.cause));
  if (failure !== undefined) {
    const { stepId, cause, attempts } = failure;
    return Exit.fail(new StepExecutionError({ pipeline, stepId, cause, attempts, partial: state.partial(pipeline) }));
  }
  const abort = state.abort;
  if (abort?.kind === "stop") state.skipRemaining();
  state.record.closeOpen();
  const report = {
    outputs: state.outputs(),
    usage: state.record.ledger.snapshot(),
    timing: state.timing(),
    trace: state.record.trace,
    checkpoint: state.checkpoint(pipeline),
  };
  if (abort?.kind === "stop") {
    return Exit.succeed({ status: "stopped", stoppedEarly: true, stop: { stepId: abort.stepId, payload: abort.payload }, output: undefined, ...report });
  }
  const last = plan[plan.length - 1];
  return Exit.succeed({ status: "completed", stoppedEarly: false, output: last === undefined ? undefined : state.output(last.index), ...report });
};
