/**
 * What a step function receives.
 */
import type { Agent, AgentInput, AgentResponse, CallOptions } from "../agents/agent.js";
import type { AgentStream } from "../agents/internal/stream.js";
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
export interface StepContext<Input, Outputs, Deps extends string, Services, Skippable extends string = never> {
  /** The run's input, as produced by the input schema. */
  readonly input: Input;
  /** The output of a step listed in this step's `after` (a step with a `when` condition needs `depOrUndefined`). */
  dep<Id extends Exclude<Deps, Skippable>>(id: Id): Outputs[Id & keyof Outputs];
  /** The output of a step listed in `after`, or `undefined` if its `when` condition skipped it. */
  depOrUndefined<Id extends Deps>(id: Id): Outputs[Id & keyof Outputs] | undefined;
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
  /**
   * Calls an agent. The request carries this step's signal, its usage and
   * cost go to the run's ledger under this step, and its worst case is
   * reserved against every budget in force before it is sent.
   *
   * @example
   * ```ts
   * .step("extract", async (ctx) => (await ctx.run(extractor, `Extract: ${ctx.input.document}`, { retries: 2 })).output)
   * ```
   */
  run<Output>(agent: Agent<Output>, input: AgentInput, options?: CallOptions): Promise<AgentResponse<Output>>;
  /**
   * Calls an agent with streaming: iterate the result for text deltas, await
   * it for the same response `run` gives, with usage.
   *
   * Call-level `retries` apply as for `run` (transient failures only,
   * `Retry-After` honoured, each attempt paced, reserved and billed) until a
   * text delta reaches the reader: a failure before that is retried
   * unseen and the text arrives once; a failure after it fails the stream
   * and the response with the agent error, and only the step's own retries
   * (which re-run the step) apply. An interrupted step sends no further attempt.
   *
   * @example
   * ```ts
   * const stream = ctx.stream(writer, "Write a haiku", { retries: 2 });
   * for await (const delta of stream) process.stdout.write(delta);
   * const { usage } = await stream;
   * ```
   */
  stream<Output>(agent: Agent<Output>, input: AgentInput, options?: CallOptions): AgentStream<Output>;
}
