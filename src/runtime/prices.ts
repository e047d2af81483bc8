/**
 * The shape of model prices. The runtime carries price tables from the
 * pipeline, the run and the parent run to every model call without reading
 * them; the agents (agents/pricing.ts) look prices up and compute costs.
 */

/** A model's price in USD per million tokens. */
export interface ModelPrice {
  readonly input: number;
  /** Price of cached input tokens (defaults to `input`). */
  readonly cachedInput?: number | undefined;
  readonly output: number;
}

/** Prices by model id. A dated id (`gpt-4o-mini-2024-07-18`) falls back to its base id (`gpt-4o-mini`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;
