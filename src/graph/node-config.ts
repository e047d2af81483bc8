/**
 * A node's config as the graph shows it, built in one place for the
 * builder's `p.graph()`, a router's graph and the static analyser.
 */
import type { NodeConfig } from "./graph.js";

/** What is known of a node's config; `undefined` and `false` fields are left out of the graph. */
export interface NodeConfigFacts {
  readonly timeoutMs?: number | undefined;
  readonly retries?: number | undefined;
  readonly retryDelayMs?: number | undefined;
  readonly costBudget?: number | undefined;
  readonly model?: string | undefined;
  readonly conditional?: boolean | undefined;
}

/** The graph's {@link NodeConfig}: only the fields that are set, in a fixed order. */
export const nodeConfigOf = (facts: NodeConfigFacts): NodeConfig => {
  const config: { -readonly [Key in keyof NodeConfig]: NodeConfig[Key] } = {};
  if (facts.timeoutMs !== undefined) config.timeoutMs = facts.timeoutMs;
  if (facts.retries !== undefined) config.retries = facts.retries;
  if (facts.retryDelayMs !== undefined) config.retryDelayMs = facts.retryDelayMs;
  if (facts.costBudget !== undefined) config.costBudget = facts.costBudget;
  if (facts.model !== undefined) config.model = facts.model;
  if (facts.conditional === true) config.conditional = true;
  return config;
};
