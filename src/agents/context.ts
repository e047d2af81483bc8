/**
 * What a step function receives: the runtime's step context plus the model
 * calls, `ctx.run` and `ctx.stream`, which the runtime forwards to the agent
 * through its host interface (runtime/host.ts).
 */
import type { StepContextBase } from "../runtime/context.js";
import type { ProvidesServices } from "./services.js";
import type { Agent, AgentInput, AgentResponse, AgentStream, CallOptions } from "./types.js";

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
export interface StepContext<Input, Outputs, Deps extends string, Services, Skippable extends string = never>
  extends StepContextBase<Input, Outputs, Deps, Services, Skippable> {
  /**
   * Calls an agent. The request carries this step's signal, its usage and
   * cost go to the run's ledger under this step, and its worst case is
   * reserved against every budget in force before it is sent. Its tools
   * get this step's services, id, run id and signal; an agent whose tools
   * need services the pipeline's `withServices` does not declare is a type
   * error here.
   *
   * @example
   * ```ts
   * .step("extract", async (ctx) => (await ctx.run(extractor, `Extract: ${ctx.input.document}`, { retries: 2 })).output)
   * ```
   */
  run<Output, Needed>(agent: Agent<Output, Needed> & ProvidesServices<Services, Needed>, input: AgentInput, options?: CallOptions): Promise<AgentResponse<Output>>;
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
  stream<Output, Needed>(agent: Agent<Output, Needed> & ProvidesServices<Services, Needed>, input: AgentInput, options?: CallOptions): AgentStream<Output>;
}
