/**
 * Early stop: a step returns `ctx.stop(payload)` to end the run before its
 * dependents start.
 */

const stopBrand: unique symbol = Symbol.for("stepgraph/stop");

/**
 * What `ctx.stop(payload)` returns. A step that returns it ends the run with
 * `status: "stopped"`; its payload is not part of the step's output type.
 */
export interface StopRequest<Payload> {
  readonly [stopBrand]: true;
  readonly payload: Payload;
}

/** Builds a {@link StopRequest}. */
export const stopRequest = <Payload>(payload: Payload): StopRequest<Payload> => ({ [stopBrand]: true, payload });

/** Whether a step's returned value asks to stop the run. */
export const isStopRequest = (value: unknown): value is StopRequest<unknown> =>
  typeof value === "object" && value !== null && (value as { [stopBrand]?: unknown })[stopBrand] === true;
