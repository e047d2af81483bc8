/**
 * Type-level machinery of the builder, and nothing else: how outputs
 * accumulate step by step, how ids are checked, and how errors read.
 * Runtime code imports these types; it holds no type gymnastics itself.
 */
import type { Effect } from "effect";
import type { StopRequest } from "../runtime/stop.js";

/**
 * What a step function's return value resolves to (before stop requests are
 * taken out) and the Effect services it requires, found by one conditional
 * type that the output, stop-payload and requirement types below share (the
 * compiler caches it per return type; two conditionals cost a 200-step
 * chain about 6,000 more instantiations). An Effect's are its success type
 * and `R`; a sub-pipeline step's Promise is marked with its pipeline's (see
 * `RequiringPromise` in flow/types.ts); anything else requires nothing.
 */
type Resolved<Returned> =
  Returned extends Effect.Effect<infer Success, infer _Failure, infer Requirements>
    ? readonly [Success, Requirements]
    : Returned extends { readonly "~requirements"?: infer Requirements }
      ? readonly [Awaited<Returned>, Exclude<Requirements, undefined>]
      : readonly [Awaited<Returned>, never];

/**
 * The output a step function produces, whether it returns a plain value, a
 * Promise, or an Effect. A `ctx.stop(...)` return is not part of it.
 */
export type StepOutput<Returned> = Exclude<Resolved<Returned>[0], StopRequest<unknown>>;

/** The Effect services a step function's return value requires: an Effect's `R`, a sub-pipeline's; `never` for anything else. */
export type StepRequirements<Returned> = Resolved<Returned>[1];

/** The payload types of the `ctx.stop(payload)` calls a step function can return. */
export type StopPayload<Returned> = Resolved<Returned>[0] extends infer Value
  ? Value extends StopRequest<infer Payload>
    ? Payload
    : never
  : never;

/**
 * One step's entry in the accumulated map of outputs. The map grows as
 * `Outputs & Entry<Id, Output>` with each output already resolved, so a long
 * pipeline costs one intersection member per step instead of re-walking the
 * earlier outputs (flattening at every step was measured to hit "excessively
 * deep" at 50 steps).
 */
export type Entry<Id extends string, Output> = { readonly [K in Id]: Output };

/**
 * The outputs a step's context can read: the `Entry` of each id in `Deps`,
 * intersected. They are the same `Entry` types the accumulated map holds, but
 * the result does not refer to that map, so reading `ctx.dep(id)` costs the
 * compiler a walk over the step's own dependencies instead of over every
 * step declared before it. The entries are found in `Index` (see
 * {@link OutputIndex}); a pipeline whose type was written out without one
 * (`Index` is `OutputIndex` itself, whose count has no fixed length) is
 * searched whole, in `Outputs`.
 */
export type DepOutputs<Outputs, Index extends OutputIndex, Deps extends string> = number extends Index[2]["length"]
  ? UnionToIntersection<Deps extends keyof Outputs ? Entry<Deps, Outputs[Deps]> : never>
  : UnionToIntersection<
      Deps extends keyof Index[1]
        ? Entry<Deps, Index[1][Deps]>
        : Deps extends keyof Index[0]
          ? Entry<Deps, Index[0][Deps]>
          : never
    >;

/**
 * Where a step's dependencies' outputs are looked up: the same entries as the
 * accumulated outputs, in two parts, `settled` (every step up to a checkpoint)
 * and `recent` (the fewer than 16 steps since), with `count`
 * counting the recent ones.
 *
 * Why not look them up in the accumulated outputs: reading a property of an
 * intersection type makes the compiler first check whether the intersection
 * reduces to `never`, which instantiates every member once and lists every
 * property (cached, but per intersection). The outputs are a new
 * intersection at every step, so every step that reads a dependency paid for
 * all the steps before it: quadratic in the number of steps. `settled` stays
 * the same type for 16 steps, so that check runs once per
 * checkpoint; `recent` is small. Each step then costs about the same however
 * many come before it (bench/typecheck measures it).
 */
export type OutputIndex = readonly [settled: unknown, recent: unknown, count: ReadonlyArray<unknown>];

/**
 * `count` when `recent` holds 15 steps: the next step settles the 16.
 * Measured at 8, 16 and 24 with no difference worth the name; a top-level
 * alias, so the compiler does not re-instantiate it on every check.
 */
type RecentFull = [unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown];

/**
 * The {@link OutputIndex} after a step whose entry is `New` and after which
 * the outputs are `Outputs`: `New` joins `recent`, or, when `recent` is full
 * (or there was no index), everything is settled. Only `count` is inspected,
 * never the outputs, which would cost a walk over them.
 */
export type IndexAfter<Index extends OutputIndex, Outputs, New> = number extends Index[2]["length"]
  ? [Outputs, {}, []]
  : Index[2] extends RecentFull
    ? [Outputs, {}, []]
    : [Index[0], Index[1] & New, [...Index[2], unknown]];

type UnionToIntersection<Union> = (Union extends unknown ? (member: Union) => void : never) extends (
  member: infer Intersection,
) => void
  ? Intersection
  : never;

/** The ids declared so far in a pipeline whose outputs are `Outputs`. */
export type StepIds<Outputs> = keyof Outputs & string;

/**
 * The message a duplicate step id produces, written as a sentence so that the
 * compiler's error reads: `Argument of type '"extract"' is not assignable to
 * parameter of type '"Step \"extract\" is already defined in this pipeline"'`.
 */
export type DuplicateStepId<Id extends string> = `Step "${Id}" is already defined in this pipeline`;

/**
 * The parameter type of a new step's id: the id itself, or the duplicate-id
 * message when the id is taken. Inference still reads `Id` from the argument.
 * The branches name `SameId` (always `Id`), not the checked `Id`: a checked
 * type parameter used in the true branch carries "known to be in `Ids`",
 * which made the compiler relate each new id to every earlier one while
 * inferring it (the relation cache of a 300-step bare chain: 47,705 entries
 * before, 2,335 after).
 */
export type NewStepId<Id extends string, Ids extends string, SameId extends string = Id> = Id extends Ids ? DuplicateStepId<SameId> : SameId;

/** Flattens an intersection into one object type, once, for display in results. */
export type Simplify<Shape> = { [K in keyof Shape]: Shape[K] } & {};

/**
 * The outputs as a completed run reports them: steps that may be skipped by
 * their `when` condition are optional.
 */
export type ResultOutputs<Outputs, Skippable extends string> = [Skippable] extends [never]
  ? Simplify<Outputs>
  : Simplify<Omit<Outputs, Skippable> & Partial<Pick<Outputs, Skippable & keyof Outputs>>>;

/**
 * The ids a `when` option adds to the skippable set: `Id` when a condition was
 * given. `Condition` is inferred from the condition's return type (`never`
 * when there is none): inferring it from the function itself would fix it
 * before the function's `ctx` parameter could be typed.
 */
export type SkippableIf<Condition, Id extends string> = [Condition] extends [never] ? never : Id;

/**
 * The ids a step lists in `after`: what its `ctx.dep` accepts. `never` when
 * `after` is left out. Not plain `After[number]` on purpose: when a step's
 * function is itself the result of a generic call (`sub.asStep((ctx) => …)`),
 * the compiler types that call's `ctx` from this signature before `After` is
 * inferred (as the "no inference" `never`), and `After[number]` of it left
 * `ctx` untyped; the `[After] extends [never]` test resolves it to `never`.
 */
export type AfterIds<After extends ReadonlyArray<string>> = [After] extends [never] ? never : After[number];
