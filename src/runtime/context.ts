/**
 * What a step function receives.
 */
import type { StopRequest } from "./stop.js";

/**
 * The context of one step attempt.
 *
 * @typeParam Input - the pipeline input, as parsed by its schema
 * @typeParam Outputs - the outputs of the steps declared before this one
 * @typeParam Deps - the ids this step lists in `after`: the only ones `dep` accepts
 * @typeParam Services - the application services the run was given
 * @typeParam Skippable - ids of steps that may be skipped by a `when` condition
 *
 * @example
 * ```ts
 * pipeline<{ text: string }>("greet")
 *   .step("upper", (ctx) => ctx.input.text.toUpperCase())
 *   .step("shout", { after: ["upper"] }, (ctx) => `${ctx.dep("upper")}!`);
 * ```
 */
export interface StepContext<Input, Outputs, Deps extends keyof Outputs, Services, Skippable extends string = never> {
  /** The run's input, as produced by the input schema. */
  readonly input: Input;
  /** The output of a step listed in this step's `after` (a step with a `when` condition needs `depOrUndefined`). */
  dep<Id extends Exclude<Deps, Skippable>>(id: Id): Outputs[Id];
  /** The output of a step listed in `after`, or `undefined` if its `when` condition skipped it. */
  depOrUndefined<Id extends Deps>(id: Id): Outputs[Id] | undefined;
  /** The application services passed to `run` (`{}` when the pipeline declares none). */
  readonly services: Services;
  /** Aborted when this attempt is interrupted: timeout, budget, cancellation, or a failing run with `failFast`. Pass it to fetch and SDK calls. */
  readonly signal: AbortSignal;
  /** This step's id. */
  readonly stepId: string;
  /** The attempt number, from 1. */
  readonly attempt: number;
  /**
   * Ends the run early: return this from the step. Its dependents do not run,
   * steps already running finish, and the run resolves with
   * `status: "stopped"` and this payload.
   *
   * @example
   * ```ts
   * .step("ask", (ctx) => (ctx.input.email ? ctx.input.email : ctx.stop({ missing: ["email"] })))
   * ```
   */
  stop<const Payload>(payload: Payload): StopRequest<Payload>;
}
