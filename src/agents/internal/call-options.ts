/**
 * A call's options (`ctx.run(agent, message, options)`, `ctx.stream(...)`):
 * validated with the rules and words of step options before anything is
 * sent (untyped callers get the same error for `retries: NaN` on a call as
 * on a step), and laid over the step's call defaults (`call` in `defaults`,
 * the step's options, `configure`, run options; resolved with the step's
 * config in runtime/config.ts), the most specific layer.
 */
import { callConfigOf, checkStepConfig, nonNegative, wholeNumber, type ResolvedCallConfig } from "../../runtime/config.js";
import { PipelineDefinitionError } from "../../runtime/errors.js";
import type { ModelCallHost } from "../../runtime/host.js";
import type { CallOptions } from "../types.js";
import { AgentConfigError } from "../errors.js";

/** A call's checked options and the timeout and retry policy it runs under. */
export interface CallSetup {
  readonly options: CallOptions;
  readonly policy: ResolvedCallConfig;
}

const NO_OPTIONS: CallOptions = {};

/**
 * Checks a call's options and resolves its policy over the step's call
 * defaults. Throws a {@link PipelineDefinitionError} naming the step, the
 * model, the option and the value given, for the first bad option; for a
 * call outside any pipeline, an {@link AgentConfigError} naming the model.
 */
export const callSetupOf = (given: CallOptions | undefined, host: ModelCallHost, model: string): CallSetup => {
  const standalone = host.callSite === "standalone";
  const what = standalone ? `call to "${model}"` : `step "${host.stepId}", call to "${model}"`;
  try {
    const options = given === undefined || given === null ? NO_OPTIONS : given;
    const { timeout, retries, retryDelay, maxTokens, temperature } = options;
    checkStepConfig({ timeout, retries, retryDelay }, what);
    wholeNumber(maxTokens, 1, `${what}: maxTokens`);
    nonNegative(temperature, `${what}: temperature`);
    return { options, policy: callConfigOf(options, host.callDefaults, `Call to "${model}"`) };
  } catch (error) {
    if (standalone) throw new AgentConfigError({ problem: error instanceof Error ? error.message : String(error) });
    throw new PipelineDefinitionError({ pipeline: host.pipeline, problem: error instanceof Error ? error.message : String(error) });
  }
};
