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

/**
 * What a tool's `execute` receives besides its arguments: the context of the
 * step (or standalone call) that called the agent.
 *
 * @typeParam Services - the application services the tool reads (`{}` for none)
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * interface Db { readonly orders: (user: string) => Promise<string[]> }
 * const orders = tool({
 *   description: "The user's orders",
 *   parameters: z.object({ user: z.string() }),
 *   execute: ({ user }, ctx: ToolContext<{ db: Db }>) => ctx.services.db.orders(user),
 * });
 * ```
 */
export interface ToolContext<Services = {}> {
  /** Aborts when the step (or the standalone call) is interrupted. */
  readonly signal: AbortSignal;
  /** The run's application services (a pipeline's `withServices`; `services` of `agent.run`). */
  readonly services: Services;
  /** The step whose `ctx.run` called the agent; `undefined` for `agent.run` outside any pipeline. */
  readonly stepId: string | undefined;
  /** The run's id (a durable run's `runId`); a standalone call's own unless given with `agent.run(input, { runId })`. */
  readonly runId: string;
}

/**
 * A tool: a description for the model, a zod schema for its arguments, and the function that runs it.
 *
 * @typeParam Parameters - the zod schema of its arguments
 * @typeParam Result - what `execute` returns (sent to the model as text or JSON)
 * @typeParam Services - the application services `execute` reads from its context
 */
export interface Tool<Parameters extends ZodSchema = ZodSchema, Result = unknown, Services = {}> {
  readonly description: string;
  readonly parameters: Parameters;
  /** Runs the tool with validated arguments and the calling step's context. */
  readonly execute: (args: z.output<Parameters>, context: ToolContext<Services>) => Result | Promise<Result>;
  /** Phantom: the services the tool needs, read by `agent()`. Never set at run time. */
  readonly "~services"?: () => Services;
}

/** Any tool, whatever its arguments, result and services: what a {@link ToolSet} holds. */
export interface AnyTool {
  readonly description: string;
  readonly parameters: ZodSchema;
  /** Method syntax, so that a tool's `execute`, whatever it takes, is one. */
  execute(args: never, context: never): unknown;
  readonly "~services"?: () => unknown;
}

/** Tools by the name the model calls them with. */
export type ToolSet = Readonly<Record<string, AnyTool>>;

/** Defines a tool whose `execute` reads the services `Services`; see {@link tool}. */
export interface ToolWithServices<Services> {
  <Parameters extends ZodSchema, Result>(definition: Tool<Parameters, Result, Services>): Tool<Parameters, Result, Services>;
}

/** {@link tool}: a function, with {@link ToolFunction.withServices} for tools that read services. */
export interface ToolFunction {
  /**
   * Defines a tool. Arguments the model sends are validated with `parameters`;
   * invalid arguments are sent back to the model as the tool's result so it can
   * correct them. `execute` gets the arguments and a {@link ToolContext}; a
   * tool that reads services says so by typing its context
   * (`ctx: ToolContext<{ db: Db }>`) or with `tool.withServices<{ db: Db }>()`.
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
  <Parameters extends ZodSchema, Result, Services = {}>(definition: Tool<Parameters, Result, Services>): Tool<Parameters, Result, Services>;
  /**
   * Defines a tool that reads the services `Services` from its context
   * (`ctx.services`). An agent given it needs them: `ctx.run(agent, …)`
   * compiles only in a pipeline whose `withServices` provides them, and
   * `agent.run` must be given them as `services`.
   *
   * @example
   * ```ts
   * import { z } from "zod";
   * interface Db { readonly orders: (user: string) => Promise<string[]> }
   * const orders = tool.withServices<{ db: Db }>()({
   *   description: "The user's orders",
   *   parameters: z.object({ user: z.string() }),
   *   execute: ({ user }, ctx) => ctx.services.db.orders(user),
   * });
   * ```
   */
  withServices<Services extends object>(): ToolWithServices<Services>;
}

const define = <Parameters extends ZodSchema, Result, Services>(definition: Tool<Parameters, Result, Services>): Tool<Parameters, Result, Services> =>
  definition;

/**
 * Defines a tool: `tool({ description, parameters, execute })`, or
 * `tool.withServices<Services>()({ ... })` for one whose `execute` reads the
 * run's services. See {@link ToolFunction}.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const weather = tool({
 *   description: "Current weather for a city",
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }, ctx) => (ctx.signal.aborted ? "cancelled" : `22 degrees in ${city}`),
 * });
 * const forecast = tool.withServices<{ weatherApi: { forecast: (city: string) => Promise<string> } }>()({
 *   description: "Tomorrow's forecast for a city",
 *   parameters: z.object({ city: z.string() }),
 *   execute: ({ city }, ctx) => ctx.services.weatherApi.forecast(city),
 * });
 * ```
 */
export const tool: ToolFunction = Object.assign(define, { withServices: () => define });
