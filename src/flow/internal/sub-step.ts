/**
 * A whole pipeline or router run as one step of another pipeline: the step
 * function behind `p.asStep(...)`. The run is nested in the step's (see
 * runtime/nest.ts); a nested run that stops early stops the parent too, with
 * its payload.
 */
import { stepFacts, type StepFacts } from "../../graph/facts.js";
import type { RuntimeStepContext } from "../../runtime/definition.js";
import type { Flow } from "../../runtime/flow.js";
import { nestInStep } from "../../runtime/nest.js";
import { stopRequest } from "../../runtime/stop.js";

/** The step function that runs `flow` on the input `toInput` builds from the step's context. */
export const subFlowStep = (
  flow: Flow,
  toInput: ((ctx: RuntimeStepContext) => unknown) | undefined,
): ((ctx: RuntimeStepContext) => Promise<unknown>) & { readonly [stepFacts]: StepFacts } => {
  const step = async (ctx: RuntimeStepContext): Promise<unknown> => {
    const result = await nestInStep(flow, toInput === undefined ? undefined : toInput(ctx), ctx);
    return result.status === "stopped" ? stopRequest(result.stop.payload) : result.output;
  };
  return Object.assign(step, { [stepFacts]: flow.facts });
};
