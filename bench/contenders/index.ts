/**
 * Every contender, loaded on demand so a peer that fails to install or load
 * is reported rather than taking the whole suite down.
 */
import type { Contender } from "../lib/contender.js";

export const contenderNames = ["stepgraph", "naive-effect", "promise-floor", "level-by-level", "mastra", "langgraph"] as const;
export type ContenderName = (typeof contenderNames)[number];

const loaders: Record<ContenderName, () => Promise<Contender>> = {
  stepgraph: async () => (await import("./stepgraph.js")).stepgraph,
  "naive-effect": async () => (await import("./naive-effect.js")).naiveEffect,
  "promise-floor": async () => (await import("./promise-floor.js")).promiseFloor,
  "level-by-level": async () => (await import("./level-by-level.js")).levelByLevel,
  mastra: async () => (await import("./mastra.js")).mastra,
  langgraph: async () => (await import("./langgraph.js")).langgraph,
};

/** A contender, or why it could not be loaded. */
export type Loaded = { readonly ok: true; readonly contender: Contender } | { readonly ok: false; readonly name: ContenderName; readonly reason: string };

export const loadContender = async (name: ContenderName): Promise<Loaded> => {
  try {
    return { ok: true, contender: await loaders[name]() };
  } catch (error) {
    return { ok: false, name, reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
};
