/**
 * A whole pipeline or router run as one step of another pipeline: the step
 * function behind `p.asStep(...)`.
 */
import { stepFacts, type StepFacts } from "../../graph/facts.js";
import type { RuntimeStepContext } from "../../runtime/definition.js";
import type { RunOptions } from "../../runtime/options.js";
import { stopRequest } from "../../runtime/stop.js";
import { runFlow, toPromise, type FlowResult, type InternalFlow } from "./flow.js";
import { nestedEventForwarder, parentScope, recordNestedUsage } from "./nested.js";
import { partialOf } from "./report.js";

/**
 * The step function that runs `flow` with the input `toInput` builds from the
 * step's context. The sub-run gets the step's signal (interrupting the step
 * interrupts it), services and budgets; its usage, also of a failed run, is
 * added to the parent's ledger under the step; its events appear in the
 * parent's trace as `"<step>/<sub-step>"`. A sub-run that stops early stops
 * the parent too, with the sub-run's payload.
 */
export const subFlowStep = (
  flow: InternalFlow,
  facts: StepFacts,
  toInput: ((ctx: RuntimeStepContext) => unknown) | undefined,
): ((ctx: RuntimeStepContext) => Promise<unknown>) & { readonly [stepFacts]: StepFacts } => {
  const step = async (ctx: RuntimeStepContext): Promise<unknown> => {
    const input = toInput === undefined ? undefined : toInput(ctx);
    const scope = parentScope(ctx);
    const options: RunOptions = {
      signal: ctx.signal,
      services: ctx.services,
      onEvent: nestedEventForwarder(ctx),
      budgets: scope?.budgets,
      rateLimit: scope?.limiter,
    };
    let result: FlowResult;
    try {
      result = await toPromise(flow[runFlow](input, options, { client: scope?.client, pricing: scope?.pricing }));
    } catch (error) {
      const partial = partialOf(error);
      if (partial !== undefined) recordNestedUsage(ctx, partial.usage);
      throw error;
    }
    recordNestedUsage(ctx, result.usage);
    return result.status === "stopped" ? stopRequest(result.stop.payload) : result.output;
  };
  return Object.assign(step, { [stepFacts]: facts });
};
