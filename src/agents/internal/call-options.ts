/**
 * Validation of a call's options (`ctx.run(agent, message, options)`,
 * `ctx.stream(...)`), with the rules and words of step options, before
 * anything is sent: untyped callers get the same error for `retries: NaN`
 * on a call as on a step.
 */
import { checkStepConfig, nonNegative, wholeNumber } from "../../runtime/config.js";
import { PipelineDefinitionError } from "../../runtime/errors.js";
import type { ModelCallHost } from "../../runtime/host.js";
import type { CallOptions } from "../types.js";
import { AgentConfigError } from "../errors.js";

/**
 * Throws a {@link PipelineDefinitionError} naming the step, the model, the
 * option and the value given, for the first bad option; for a call outside
 * any pipeline, an {@link AgentConfigError} naming the model.
 */
export const checkCallOptions = (options: CallOptions | undefined, host: ModelCallHost, model: string): CallOptions => {
  const standalone = host.callSite === "standalone";
  const what = standalone ? `call to "${model}"` : `step "${host.stepId}", call to "${model}"`;
  try {
    if (options === undefined || options === null) return {};
    const { timeout, retries, retryDelay, maxTokens, temperature } = options;
    checkStepConfig({ timeout, retries, retryDelay }, what);
    wholeNumber(maxTokens, 1, `${what}: maxTokens`);
    nonNegative(temperature, `${what}: temperature`);
    return options;
  } catch (error) {
    if (standalone) throw new AgentConfigError({ problem: error instanceof Error ? error.message : String(error) });
    throw new PipelineDefinitionError({ pipeline: host.pipeline, problem: error instanceof Error ? error.message : String(error) });
  }
};
