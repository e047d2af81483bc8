/**
 * The errors flows add to a run's: a router that could not choose a route.
 */
import * as Data from "effect/Data";
import { brandErrors } from "../runtime/stepgraph-error.js";
import { describe, type RunFailure } from "../runtime/errors.js";
import type { PartialResult } from "../runtime/result.js";

/**
 * A router could not choose a route and has no `fallback`: its `route`
 * function failed (after its retries), or returned a name that is not one of
 * its routes. No route ran; `partial` holds the routing step's trace and usage.
 */
export class RouteError extends Data.TaggedError("RouteError")<{
  readonly router: string;
  /** The router's route names. */
  readonly routes: ReadonlyArray<string>;
  /** What `route` returned, when it returned an unknown name. */
  readonly returned?: unknown;
  /** What `route` failed with, when it failed. */
  readonly cause?: unknown;
  readonly partial: PartialResult;
}>
  implements RunFailure
{
  withPartial(partial: PartialResult): this {
    return new RouteError({ ...this, partial }) as this;
  }

  override get message(): string {
    const known = this.routes.map((route) => `"${route}"`).join(", ");
    const what =
      this.cause === undefined
        ? `its route function returned ${JSON.stringify(this.returned) ?? String(this.returned)}, which is not one of its routes (${known})`
        : `its route function failed: ${describe(this.cause)}`;
    return `Router "${this.router}" could not choose a route: ${what}. Return one of the route names, or give the router a \`fallback\` route.`;
  }
}

// Every error above is a StepgraphError (see runtime/stepgraph-error.ts).
brandErrors(RouteError);
