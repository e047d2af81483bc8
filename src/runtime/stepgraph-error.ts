/**
 * The one class every error of stepgraph is an instance of. Its errors are
 * Effect tagged classes (`Data.TaggedError`, for `Effect.catchTag`), which
 * cannot share a base class of ours; each is branded instead, and
 * `instanceof StepgraphError` reads the brand.
 */

const brand: unique symbol = Symbol.for("stepgraph/error");

/**
 * The base of every error stepgraph throws or rejects with (the pipeline,
 * step, agent, router and durable-run errors), so that one check catches
 * them all; each keeps its own class and `_tag`.
 *
 * @example
 * ```ts
 * import { pipeline, StepgraphError } from "stepgraph";
 * try {
 *   await pipeline("p").step("a", () => { throw new Error("no"); }).run(undefined);
 * } catch (error) {
 *   if (error instanceof StepgraphError) console.log(error._tag); // "StepExecutionError"
 * }
 * ```
 */
export abstract class StepgraphError extends Error {
  /** The error's class name, as Effect's `catchTag` matches it. */
  abstract readonly _tag: string;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { readonly [brand]?: unknown })[brand] === true;
  }
}

/** Makes every instance of the given error classes a {@link StepgraphError}. */
export const brandErrors = (...classes: ReadonlyArray<abstract new (...args: never) => object>): void => {
  for (const errorClass of classes) Object.defineProperty(errorClass.prototype, brand, { value: true });
};
