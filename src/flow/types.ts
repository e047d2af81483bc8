/**
 * Type-level machinery of flows, and nothing else: what a pipeline or router
 * carries in its types, how a router combines its routes', how routes are
 * checked, what a sub-pipeline step returns, and the options a run takes.
 */
import type { RouteFallback } from "./errors.js";
import type * as Layer from "effect/Layer";
import type * as ManagedRuntime from "effect/ManagedRuntime";
import type { StepContext } from "../agents/context.js";
import type { PipelineError } from "../runtime/errors.js";
import type { StopRequest } from "../runtime/stop.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import type { RouteError } from "./errors.js";

/**
 * What a pipeline or router carries in its types, under the phantom
 * property `"~flow"` (never set at run time), so that routers and
 * sub-pipeline steps read them structurally.
 */
export interface FlowTypes<Input, Output, Result, Services, Stop, Requirements = never> {
  readonly input: Input;
  readonly output: Output;
  readonly result: Result;
  readonly services: Services;
  readonly stop: Stop;
  /** The Effect services (from Effect's `Context`) its Effect steps require. */
  readonly requirements: Requirements;
}

/** The error a router's run can end with. */
export type RouterError = PipelineError | RouteError;

/** The {@link FlowTypes} of a pipeline or router (of each member of a union of them); `never` for anything else. */
export type TypesOf<Flow> = Flow extends unknown
  ? "~flow" extends keyof Flow
    ? Flow extends { readonly "~flow"?: infer Types extends FlowTypes<unknown, unknown, unknown, unknown, unknown, unknown> }
      ? Types
      : never
    : never
  : never;

/**
 * How `run` and the batch methods are given the Effect services that the
 * flow's Effect steps require: a `Layer` that builds them (for each `run`;
 * once for a batch), or a `ManagedRuntime` that holds them (built once,
 * shared by every run given it, and left to its owner to dispose).
 *
 * @example
 * ```ts
 * const runtime = ManagedRuntime.make(CatalogLive);
 * const provided: ProvideOptions<Catalog> = { runtime };
 * await quote.run({ sku: "pen", quantity: 3 }, provided);
 * ```
 */
export type ProvideOptions<Requirements> =
  | { readonly layer: Layer.Layer<Requirements, unknown, never>; readonly runtime?: undefined }
  | { readonly runtime: ManagedRuntime.ManagedRuntime<Requirements, unknown>; readonly layer?: undefined };

/**
 * The arguments after the input of `run`, `toEffect` and the batch methods:
 * the options are optional unless the flow needs services (`withServices`),
 * in which case they must carry them, or Effect services (`Requirements`,
 * for `run` and the batches; `toEffect` leaves them in its Effect's type),
 * in which case they must carry a `layer` or `runtime` providing them. The
 * labels name what a required options argument must hold: signature help
 * shows them while it is typed. A call without it matches only the
 * overload of {@link MissingOptionsArgs}, whose error says what to pass.
 */
export type OptionsArgs<Options, Services, Requirements = never> = [Requirements] extends [never]
  ? {} extends Services
    ? [options?: Options]
    : [options_with_services: Options & { readonly services: Services }]
  : {} extends Services
    ? [options_with_layer_or_runtime: Options & ProvideOptions<Requirements>]
    : [options_with_services_and_layer: Options & { readonly services: Services } & ProvideOptions<Requirements>];

/**
 * What a call of `Method` without its options argument is missing, as a
 * sentence naming the fix; `never` when the options are optional. The
 * services are named one per sentence (`"run needs { services: { db } }:
 * …" | "run needs { services: { user } }: …"` for two): a sentence listing
 * them all would need a recursive type that cost the type check of every
 * program 1,200 instantiations more.
 */
export type MissingOptionsMessage<Method extends string, Services, Requirements = never, Argument extends string = "input"> = [Requirements] extends [never]
  ? {} extends Services
    ? never
    : `${Method} needs { services: { ${keyof Services & string} } }: call ${Method}(${Argument}, { services })`
  : {} extends Services
    ? `${Method} needs the Effect services its steps require: call ${Method}(${Argument}, { layer }) or ${Method}(${Argument}, { runtime })`
    : `${Method} needs { services: { ${keyof Services & string} } } and the Effect services its steps require: call ${Method}(${Argument}, { services, layer }) or ${Method}(${Argument}, { services, runtime })`;

/**
 * The arguments of the overload that explains a missing options argument.
 * When a flow needs services or Effect services, a call with the input
 * alone matches only this overload (the other needs two arguments), so the
 * compiler reports that its input is not the {@link MissingOptionsMessage},
 * which says what to pass: `Argument of type '{ id: string; }' is not
 * assignable to parameter of type '"run needs { services: { db } }: call
 * run(input, { services })"'`. The overload returns the message too, so an
 * input typed `any` (which the message accepts) leaves a result whose first
 * use reads the same sentence. When nothing is needed it takes four `never`
 * arguments: no call matches it, and every call's errors read as before.
 */
export type MissingOptionsArgs<Method extends string, Services, Requirements = never, Argument extends string = "input"> = [
  MissingOptionsMessage<Method, Services, Requirements, Argument>,
] extends [never]
  ? NoCallMatches
  : [missing_options: MissingOptionsMessage<Method, Services, Requirements, Argument>];

/** An argument list no call has. */
type NoCallMatches = [never, never, never, never];

/**
 * What a sub-pipeline step's function returns when the sub-pipeline's Effect
 * steps require Effect services: its Promise, marked (in its type only) with
 * them, so that the parent pipeline requires them too.
 */
export type RequiringPromise<Value, Requirements> = [Requirements] extends [never]
  ? Promise<Value>
  : Promise<Value> & { readonly "~requirements"?: Requirements };

/** What a router's `routes` option holds: route names to pipelines or routers. */
export type RouteMap = { readonly [name: string]: object };

/** The names of a router's routes. */
export type RouteName<Routes> = keyof Routes & string;

/**
 * The intersection of the values of a map. Each value becomes a function
 * parameter first, so an `unknown` value drops out of the intersection
 * instead of swallowing the union the usual trick starts from.
 */
type IntersectValues<Map> = { [Key in keyof Map]: (value: Map[Key]) => void }[keyof Map] extends (value: infer Both) => void
  ? Both
  : never;

/** A route's input as the router's input sees it: a route that takes no input accepts anything. */
type AcceptedInput<Input> = [Input] extends [void] ? unknown : Input;

/**
 * A router's input when it declares no schema: what every route accepts (the
 * intersection of their inputs), or `void` when no route takes input.
 */
export type RoutesInput<Routes> =
  [TypesOf<Routes[RouteName<Routes>]>["input"]] extends [void]
    ? void
    : IntersectValues<{ [Name in RouteName<Routes>]: AcceptedInput<TypesOf<Routes[Name]>["input"]> }>;

/** The Effect services a router's routes require: any route's. */
export type RoutesRequirements<Routes> = TypesOf<Routes[RouteName<Routes>]>["requirements"];

/** The services a router needs: every route's. */
export type RoutesServices<Routes> = IntersectValues<{ [Name in RouteName<Routes>]: TypesOf<Routes[Name]>["services"] }>;

/** Whether an input type can hold no value: `never`, or an object with a `never` field (conflicting route inputs). */
type Uninhabited<Input> = [Input] extends [never]
  ? true
  : Input extends object
    ? [{ [Key in keyof Input]-?: [Input[Key]] extends [never] ? Key : never }[keyof Input]] extends [never]
      ? false
      : true
    : false;

/** A route's value when it is neither a pipeline nor a router. */
export type NotAFlow<Name extends string> = `Route "${Name}" must be a pipeline or a router`;

/** A route's value when its pipeline does not accept the router's input. */
export type RouteInputMismatch<Name extends string> =
  `Route "${Name}" does not accept the router's input: its pipeline's input type must accept every value the router accepts`;

/** A router whose routes' inputs cannot all hold at once. */
export type IncompatibleRoutes = "The routes' input types have no value in common, so no input could be routed to any of them";

/**
 * The check laid over `routes`: each route must be a pipeline or router whose
 * input accepts `Parsed` (the router's input after its schema). A failing
 * route is reported at its own property with one of the messages above.
 */
export type CheckRoutes<Routes, Parsed> = Uninhabited<Parsed> extends true
  ? { readonly [Name in RouteName<Routes>]: IncompatibleRoutes }
  : {
      readonly [Name in RouteName<Routes>]: [TypesOf<Routes[Name]>] extends [never]
        ? NotAFlow<Name>
        : [Parsed] extends [AcceptedInput<TypesOf<Routes[Name]>["input"]>]
          ? unknown
          : RouteInputMismatch<Name>;
    };

/**
 * A route's result with the route's name: `route` says which route ran, and
 * `fallback`, set only when it is the router's fallback route, why it was
 * taken (a nested router's own `route` and `fallback` are replaced by this
 * router's).
 */
export type WithRoute<Result, Name extends string> = Result extends unknown
  ? Omit<Result, "route" | "fallback"> & { readonly route: Name; readonly fallback?: RouteFallback | undefined }
  : never;

/** A router's result: the chosen route's result and its name, one union member per route. */
export type RoutesResult<Routes> = {
  [Name in RouteName<Routes>]: WithRoute<TypesOf<Routes[Name]>["result"], Name>;
}[RouteName<Routes>];

/** A router's output: any route's. */
export type RoutesOutput<Routes> = TypesOf<Routes[RouteName<Routes>]>["output"];

/** A router's stop payloads: any route's. */
export type RoutesStop<Routes> = TypesOf<Routes[RouteName<Routes>]>["stop"];

/**
 * What a sub-pipeline step returns: the sub-pipeline's output, or, when it
 * can stop early, its stop request (which stops the parent with the same
 * payload).
 */
export type SubStepReturn<Output, Stop> = [Stop] extends [never] ? Output : Output | StopRequest<Stop>;

/** The step context a sub-pipeline step needs: the step's signal and id, and the services the sub-pipeline requires. */
export interface SubStepContext<Services> {
  readonly signal: AbortSignal;
  readonly stepId: string;
  readonly services: Services;
}

/** The arguments of `asStep`: how to build the sub-pipeline's input from the step's context (optional when it takes none). */
export type AsStepArgs<Ctx, Input> = [Input] extends [void] ? [toInput?: (ctx: Ctx) => Input] : [toInput: (ctx: Ctx) => Input];

/**
 * What a router's `route` function receives besides the input: the routing
 * step's context, without `dep` and `stop` (routing has no earlier steps and
 * cannot stop the run). `run` and `stream` call agents, whose usage counts in
 * the router's result under the router's name.
 */
export type RouteContext<Input, Services> = Pick<
  StepContext<Input, {}, never, Services>,
  "input" | "services" | "signal" | "stepId" | "attempt" | "run" | "stream"
>;

/** The input the routes see: the schema's output when the router has one, else what every route accepts. */
export type RouterParsed<Routes, Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<Schema> : RoutesInput<Routes>;

/** The input `run` takes: the schema's input when the router has one, else what every route accepts. */
export type RouterInput<Routes, Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferInput<Schema> : RoutesInput<Routes>;
