/**
 * The errors flows add to a run's: a router that could not choose a route.
 */
import * as Data from "effect/Data";
import { brandErrors } from "../runtime/stepgraph-error.js";
import { describe, type RunFailure } from "../runtime/errors.js";
import type { PartialResult } from "../runtime/result.js";

/**
 * A router could not choose a route: its `route` function failed (after its
 * retries) or returned a name that is not one of its routes, and it has no
 * `fallback`; or `route` failed for a configuration reason (`fallback` then
 * names the route not taken). No route ran; `partial` holds the routing
 * step's trace and usage.
 */
export class RouteError extends Data.TaggedError("RouteError")<{
  readonly router: string;
  /** The router's route names. */
  readonly routes: ReadonlyArray<string>;
  /** What `route` returned, when it returned an unknown name. */
  readonly returned?: unknown;
  /** What `route` failed with, when it failed. */
  readonly cause?: unknown;
  /**
   * The fallback route not taken: set when `route` failed for a
   * configuration reason (no API key, 401, 403, an unknown model, a bad
   * option), which a fallback would only hide.
   */
  readonly fallback?: string | undefined;
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
    if (this.fallback !== undefined) {
      return `Router "${this.router}" could not choose a route: ${what}. That is a configuration error, so the router did not fall back to "${this.fallback}": fix it, and routing works again.`;
    }
    return `Router "${this.router}" could not choose a route: ${what}. Return one of the route names, or give the router a \`fallback\` route.`;
  }
}

/**
 * Why a router took its `fallback` route (`result.fallback`): its `route`
 * function failed with `error` (after its retries: a model's transient
 * failure, a reply that failed its schema, an error of its own), or it
 * returned a name that is not a route.
 */
export type RouteFallback =
  | { readonly reason: "error"; readonly error: unknown }
  | { readonly reason: "unknownRoute"; readonly returned: unknown };

// Every error above is a StepgraphError (see runtime/stepgraph-error.ts).
brandErrors(RouteError);
