/**
 * Tools an agent's model may call.
 */
import type { z } from "zod";

/**
 * A zod 4 schema, as agents and tools take it: zod's core `$ZodType`, which
 * every zod 4 schema is. Not the classic `z.ZodType` on purpose: relating a
 * schema to that interface makes the compiler work out the variance of its
 * type parameters over every method it has (`optional`, `refine`, `pipe`,
 * ...): about 76,000 instantiations and over a second of CPU in TypeScript
 * 5.9, once per checker, and an editor makes a new checker after each
 * keystroke (bench/README.md, "Editor latency"). `$ZodType` costs about 660.
 */
export type ZodSchema = z.core.$ZodType;

/** A tool: a description for the model, a zod schema for its arguments, and the function that runs it. */
export interface Tool<Parameters extends ZodSchema = ZodSchema, Result = unknown> {
  readonly description: string;
  readonly parameters: Parameters;
  /** Runs the tool with validated arguments. `signal` aborts when the step is interrupted. */
  readonly execute: (args: z.output<Parameters>, context: { readonly signal: AbortSignal }) => Result | Promise<Result>;
}

/** Tools by the name the model calls them with. */
export type ToolSet = Readonly<Record<string, Tool>>;

/**
 * Defines a tool. Arguments the model sends are validated with `parameters`;
 * invalid arguments are sent back to the model as the tool's result so it can
 * correct them.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const weather = tool({
 *   description: "Current weather for a city",
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }) => `22 degrees in ${city}`,
 * });
 * ```
 */
export const tool = <Parameters extends ZodSchema, Result>(definition: Tool<Parameters, Result>): Tool<Parameters, Result> =>
  definition;
