/**
 * The shape of model prices. The runtime carries price tables from the
 * pipeline, the run and the parent run to every model call without reading
 * them; the agents (agents/pricing.ts) look prices up and compute costs.
 */

/**
 * A model's price in USD per million tokens, as providers publish it.
 *
 * @example
 * ```ts
 * import type { ModelPrice } from "stepgraph";
 *
 * // A Claude model through a proxy, priced by hand (prompt-cache writes cost 1.25x input).
 * const sonnet: ModelPrice = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };
 * ```
 */
export interface ModelPrice {
  readonly input: number;
  /** Price of input tokens read from the prompt cache (defaults to `input`). */
  readonly cachedInput?: number | undefined;
  /** Price of input tokens written to the prompt cache, Anthropic-style (defaults to `input`). */
  readonly cacheWrite?: number | undefined;
  /** Price of audio input tokens (defaults to `input`). */
  readonly inputAudio?: number | undefined;
  /** Price of output tokens, reasoning tokens included. */
  readonly output: number;
  /** Price of audio output tokens (defaults to `output`). */
  readonly outputAudio?: number | undefined;
}

/**
 * Prices by model id. A dated id (`gpt-4o-mini-2024-07-18`) falls back to its base id (`gpt-4o-mini`).
 *
 * @example
 * ```ts
 * import type { PriceTable } from "stepgraph";
 *
 * // Wins over the built-in prices wherever it is given: agent, pipeline, configure or run.
 * const pricing: PriceTable = { "my-fine-tune": { input: 0.3, output: 1.2 } };
 * ```
 */
export type PriceTable = Readonly<Record<string, ModelPrice>>;
