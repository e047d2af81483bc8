/**
 * What a step function receives from the runtime. The agents layer adds
 * `run` and `stream` (model calls) to it as `StepContext`, so that the
 * runtime needs to know nothing of agents.
 */
import type { ResolvedStepConfig } from "./config.js";
import type { DepId, OptionalDepId } from "./dep-id.js";
import type { StopRequest } from "./stop.js";
import type { Usage } from "./usage.js";

/**
 * The runtime's part of a step attempt's context: input, dependencies,
 * services, signal, identity and early stop. Steps receive it as
 * `StepContext`, which adds the model calls.
 *
 * @typeParam Input - the pipeline input, as parsed by its schema
 * @typeParam Outputs - the outputs of the steps declared before this one
 * @typeParam Deps - the ids this step lists in `after`: the only ones `dep` accepts
 * @typeParam Services - the application services the run was given
 * @typeParam Skippable - ids of steps that may be skipped by a `when` condition
 */
export interface StepContextBase<Input, Outputs, Deps extends string, Services, Skippable extends string = never> {
  /** The run's input, as produced by the input schema. */
  readonly input: Input;
  /**
   * The output of a step listed in this step's `after` (a step with a `when`
   * condition needs `depOrUndefined`). Any other id is a type error whose
   * message says what to do.
   */
  dep<Id extends string>(id: DepId<Id, Exclude<Deps, Skippable>, Deps>): Outputs[Id & keyof Outputs];
  /** The output of a step listed in `after`, or `undefined` if its `when` condition skipped it. */
  depOrUndefined<Id extends string>(id: OptionalDepId<Id, Deps>): Outputs[Id & keyof Outputs] | undefined;
  /** The application services passed to `run` (`{}` when the pipeline declares none). */
  readonly services: Services;
  /** Aborted when this attempt is interrupted: timeout, budget, cancellation, or a failing run with `failFast`. Pass it to fetch and SDK calls. */
  readonly signal: AbortSignal;
  /** The id of the running step (a sub-pipeline's steps see their own). */
  readonly stepId: string;
  /** The attempt number, from 1. */
  readonly attempt: number;
  /**
   * The run's id: the `runId` of a durable run (stable across crashes and
   * processes), else one made for this run.
   */
  readonly runId: string;
  /**
   * A key stable for this run, step and attempt: the same when a durable run
   * runs an attempt again after a crash. Pass it to providers and APIs that
   * deduplicate requests by key (an `Idempotency-Key` header).
   */
  readonly idempotencyKey: string;
  /**
   * What this step's model calls have used so far in this run, over all its
   * attempts (a retry sees what the failed attempts spent), as
   * `result.usage.byStep[stepId]` will report it: every billed or abandoned
   * request, and a sub-pipeline's or router's usage once its run has ended.
   * Each read is a snapshot; it does not change under you.
   *
   * @example
   * ```ts
   * .step("draft", { retries: 2 }, async (ctx) => {
   *   if ((ctx.usage.costUsd ?? 0) > 0.01) return "over a cent already";
   *   return (await ctx.run(writer, "Draft it")).output;
   * })
   * ```
   */
  readonly usage: Usage;
  /**
   * The step's config as resolved from every layer (pipeline `defaults`,
   * `configure`, the step's options, run options), durations in
   * milliseconds, `call` the defaults of its model calls. Frozen.
   *
   * @example
   * ```ts
   * .step("fetch", { timeout: "5 seconds" }, (ctx) => fetch(url, { signal: AbortSignal.timeout(ctx.config.timeoutMs ?? 60_000) }))
   * ```
   */
  readonly config: ResolvedStepConfig;
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
