/**
 * Type-level only: what `ctx.dep(id)` and `ctx.depOrUndefined(id)` accept,
 * and the messages a wrong id produces. Each message names the fix, so that
 * the compiler's error reads, for instance: `Argument of type '"extract"' is
 * not assignable to parameter of type '"\"extract\" is not in this step's
 * after: add \"extract\" to after to read it"'`.
 */

/** `ctx.dep(id)` on a step not listed in this step's `after`. */
export type NotInAfter<Id extends string> = `"${Id}" is not in this step's after: add "${Id}" to after to read it`;

/** `ctx.dep(id)` on a step with a `when` condition, which may have been skipped. */
export type MayBeSkipped<Id extends string> =
  `"${Id}" has a when condition and may be skipped: read it with ctx.depOrUndefined("${Id}")`;

/**
 * The parameter type of `ctx.dep`: the id itself when the step may read it
 * (`Readable`: the ids in its `after` without a `when` condition), else the
 * message saying what to do. While the id is being typed (`Id` is `string`,
 * or `""` right after the opening quote: both are supertypes of `""`), it is
 * the readable ids: the editor offers the string literals of this type, and
 * would otherwise offer the message too. Inference still reads `Id` from the
 * argument. The readable case is tested first: it is the one every correct
 * call takes (a 200-step chain costs about 2% more instantiations when it
 * is not).
 */
export type DepId<Id extends string, Readable extends string, Deps extends string> = Id extends Readable
  ? Id
  : "" extends Id
    ? Readable
    : Id extends Deps
      ? MayBeSkipped<Id>
      : NotInAfter<Id>;

/** The parameter type of `ctx.depOrUndefined`: any id in `after`, else the message saying what to do. */
export type OptionalDepId<Id extends string, Deps extends string> = Id extends Deps ? Id : "" extends Id ? Deps : NotInAfter<Id>;
