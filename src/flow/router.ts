/**
 * Routers: one entry point that picks which pipeline runs for an input.
 */
import type { Effect } from "effect";
import type OpenAI from "openai";
import type { PriceTable } from "../runtime/prices.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import type { Graph } from "../graph/graph.js";
import type { StepConfig } from "../runtime/config.js";
import type { RunOptions } from "../runtime/options.js";
import type { BatchInputs, BatchKeep, BatchOptions, BatchOutcome, KeptResult, RunManyOptions } from "./batch.js";
import { RouterFlow, type RouterSpec } from "./internal/router.js";
import { Runnable } from "./runnable.js";
import type {
  AsStepArgs,
  CheckRoutes,
  FlowTypes,
  OptionsArgs,
  RouteMap,
  RouteName,
  RouterError,
  RoutesInput,
  RoutesOutput,
  RoutesRequirements,
  RoutesResult,
  RoutesServices,
  RoutesStop,
  RouteContext,
  RouterInput,
  RouterParsed,
  RequiringPromise,
  SubStepContext,
  SubStepReturn,
  MissingOptionsArgs,
  MissingOptionsMessage,
} from "./types.js";

/**
 * Options of {@link router}.
 *
 * @typeParam Routes - route names to the pipelines (or routers) they run
 * @typeParam Schema - the router's input schema, if it declares one
 */
export interface RouterOptions<Routes extends RouteMap, Schema extends StandardSchemaV1 | undefined> {
  /**
   * The router's input schema. Without one, the router takes what every route
   * accepts (the intersection of their input types); with one, it takes the
   * schema's input, and every route must accept the schema's output.
   */
  readonly input?: Schema;
  /** Route names to the pipelines (or routers) they run. Each must accept the router's input. */
  readonly routes: Routes & CheckRoutes<Routes, RouterParsed<Routes, Schema>>;
  /**
   * Chooses a route for an input: returns (or resolves to) one of the route
   * names. (TypeScript widens an `async` function that only ever returns one
   * name to `Promise<string>`; write that name `as const`.)
   */
  readonly route: (
    input: RouterParsed<Routes, Schema>,
    ctx: RouteContext<RouterParsed<Routes, Schema>, RoutesServices<Routes>>,
  ) => NoInfer<RouteName<Routes>> | PromiseLike<NoInfer<RouteName<Routes>>>;
  /**
   * The route taken when `route` throws (after its retries) or returns a
   * name that is not a route; the result's `fallback` then says which. Not
   * taken for a configuration error (no API key, 401, 403, 404, a bad
   * option): the run rejects with `RouteError` then. Without it, the run
   * rejects with `RouteError` whenever no route is chosen.
   */
  readonly fallback?: NoInfer<RouteName<Routes>> | undefined;
  /** Timeout and retries of the routing step (the `route` function). */
  readonly config?: StepConfig | undefined;
  /**
   * The OpenAI client of the router's agent calls (in `route`) and of its
   * routes, unless an agent or pipeline sets its own; a run option `client`
   * overrides it. Without one, a router run on its own uses one default
   * `new OpenAI()` reading OPENAI_API_KEY, and a router nested in another
   * run (a step, another router's route) uses that run's client.
   */
  readonly client?: OpenAI | undefined;
  /** Prices over the built-in table for the router's calls and its routes' (merged as a pipeline's `pricing` is). */
  readonly pricing?: PriceTable | undefined;
}

/**
 * A router: runs one of its routes for each input, chosen by its `route`
 * function. It has a pipeline's interface (`run`, `toEffect`, `runMany`,
 * `stream`, `asStep`, `graph`, `toMermaid`), so callers need not know that
 * routing happens.
 *
 * Its result is the chosen route's result plus `route`, the route's name
 * (narrowing on `route` narrows `outputs`). Its usage, trace and timing
 * cover the routing step (under the router's name) and the route's run.
 * Resuming from a route's checkpoint skips routing and resumes that route.
 *
 * @typeParam Input - what `run` accepts
 * @typeParam Output - any route's output
 * @typeParam Result - what `run` resolves with
 * @typeParam Services - the services every route needs
 * @typeParam Stop - any route's stop payload
 * @typeParam Requirements - the Effect services any route's Effect steps require
 */
export interface Router<Input, Output, Result, Services, Stop, Requirements = never> {
  /** The router's name: the routing step's id, and the graph's. */
  readonly name: string;
  /** The route names, in declaration order. */
  readonly routes: ReadonlyArray<string>;
  /** Phantom: what this router carries in its types, for routers and sub-pipeline steps. Never set at run time. */
  readonly "~flow"?: FlowTypes<Input, Output, Result, Services, Stop, Requirements>;

  /**
   * Chooses a route and runs it. Rejects with the route's {@link RouterError},
   * or `RouteError` when no route could be chosen and there is no fallback.
   */
  run(...missing_options: MissingOptionsArgs<"run", Services, Requirements>): MissingOptionsMessage<"run", Services, Requirements>;
  run(input: Input, ...options_with_services_or_layer: OptionsArgs<RunOptions<Services>, Services, Requirements>): Promise<Result>;

  /** The run as an Effect with typed errors. */
  toEffect(...missing_options: MissingOptionsArgs<"toEffect", Services>): MissingOptionsMessage<"toEffect", Services>;
  toEffect(input: Input, ...options_with_services: OptionsArgs<RunOptions<Services>, Services>): Effect.Effect<Result, RouterError, Requirements>;

  /** Runs every input, `concurrency` at a time; resolves to one outcome per input started, in input order. See `Pipeline.runMany`. */
  runMany(...missing_options: MissingOptionsArgs<"runMany", Services, Requirements, "inputs">): MissingOptionsMessage<"runMany", Services, Requirements, "inputs">;
  runMany<Keep extends BatchKeep = "result">(
    inputs: BatchInputs<Input>,
    ...options_with_services_or_layer: OptionsArgs<RunManyOptions<Services, string, Keep>, Services, Requirements>
  ): Promise<Array<BatchOutcome<KeptResult<Result, Keep>, RouterError>>>;

  /** Runs every input, `concurrency` at a time, yielding outcomes as runs finish. See `Pipeline.runEach`. */
  runEach(...missing_options: MissingOptionsArgs<"runEach", Services, Requirements, "inputs">): MissingOptionsMessage<"runEach", Services, Requirements, "inputs">;
  runEach(
    inputs: BatchInputs<Input>,
    ...options_with_services_or_layer: OptionsArgs<BatchOptions<Services>, Services, Requirements>
  ): AsyncIterableIterator<BatchOutcome<Result, RouterError>>;

  /**
   * The old name of {@link Router.runEach}, kept for one release.
   *
   * @deprecated Use `runEach`: `stream` also names `ctx.stream`, which streams a model's text.
   */
  stream(
    inputs: BatchInputs<Input>,
    ...options_with_services_or_layer: OptionsArgs<BatchOptions<Services>, Services, Requirements>
  ): AsyncIterableIterator<BatchOutcome<Result, RouterError>>;

  /** A step function that runs this router as one step of another pipeline. See `Pipeline.asStep`. */
  asStep<Ctx extends SubStepContext<Services>>(...toInput: AsStepArgs<Ctx, Input>): (ctx: Ctx) => RequiringPromise<SubStepReturn<Output, Stop>, Requirements>;

  /** A graph of one router node (kind `"router"`) listing the routes. */
  graph(): Graph;

  /** The graph as a Mermaid flowchart. */
  toMermaid(): string;
}

/** The router `router(name, options)` makes, in the types its routes give it. */
type RouterOf<Routes extends RouteMap, Schema extends StandardSchemaV1 | undefined> = Router<
  RouterInput<Routes, Schema>,
  RoutesOutput<Routes>,
  RoutesResult<Routes>,
  RoutesServices<Routes>,
  RoutesStop<Routes>,
  RoutesRequirements<Routes>
>;

/**
 * Builds a router: an entry point that runs one of several pipelines for
 * each input. `route` picks the route (and may call agents through its
 * context, with the router's `client` and `pricing`); `fallback` is taken
 * when it throws (after its retries) or names no route, and the result's
 * `fallback` says why. A `route` that fails for a configuration reason (no
 * API key, HTTP 401, 403 or 404, another 4xx that is not retried, a bad
 * option) rejects with `RouteError` even with a fallback, since falling back
 * would send every input to the fallback route.
 *
 * Returning a name that is not a route is a type error, and so is a route
 * whose pipeline does not accept the router's input.
 *
 * @example
 * ```ts
 * const simple = pipeline<{ text: string }>("simple").step("summary", (ctx) => ctx.input.text.slice(0, 80));
 * const complex = pipeline<{ text: string }>("complex").step("outline", (ctx) => ctx.input.text.split(". "));
 * const docs = router("document_router", {
 *   routes: { simple, complex },
 *   route: async (input) => (input.text.split(" ").length < 500 ? "simple" : "complex"),
 *   fallback: "simple",
 * });
 * const res = await docs.run({ text: "A short note." });
 * if (res.route === "simple") console.log(res.output.toUpperCase());
 * if (res.fallback?.reason === "error") console.warn("routing failed:", res.fallback.error);
 * ```
 */
export function router<Routes extends RouteMap, Schema extends StandardSchemaV1 | undefined = undefined>(
  name: string,
  options: RouterOptions<Routes, Schema>,
): RouterOf<Routes, Schema> {
  return new RouterRunnable(new RouterFlow(name, options as unknown as RouterSpec)) as unknown as RouterOf<Routes, Schema>;
}

/** The untyped value behind `router()`: the facade over its Flow, and its route names. */
class RouterRunnable extends Runnable {
  constructor(private readonly flow: RouterFlow) {
    super();
  }

  get routes(): ReadonlyArray<string> {
    return this.flow.routes;
  }

  flowOf(): RouterFlow {
    return this.flow;
  }
}
