/**
 * Turns an analysed pipeline or router into the Graph shape `p.graph()`
 * returns, field for field, so one renderer serves both.
 */
import { edgesOf, type Graph, type GraphNode, type NodeConfig } from "../../src/graph/graph.js";
import type { PipelineValue, RouterValue, StaticStep } from "./model.js";

const nodeConfig = (step: StaticStep): NodeConfig => {
  const config: { -readonly [Key in keyof NodeConfig]: NodeConfig[Key] } = {};
  if (step.config.timeoutMs !== undefined) config.timeoutMs = step.config.timeoutMs;
  if (step.config.retries !== undefined) config.retries = step.config.retries;
  if (step.config.retryDelayMs !== undefined) config.retryDelayMs = step.config.retryDelayMs;
  if (step.config.costBudget !== undefined) config.costBudget = step.config.costBudget;
  if (step.model !== undefined) config.model = step.model;
  if (step.conditional) config.conditional = true;
  return config;
};

const graphNode = (step: StaticStep): GraphNode => {
  const node: { -readonly [Key in keyof GraphNode]: GraphNode[Key] } = {
    id: step.id,
    kind: step.kind,
    after: [...step.after],
    config: nodeConfig(step),
  };
  if (step.target !== undefined) node.pipeline = step.target.name;
  if (step.target?.kind === "router") node.routes = step.target.routes.map((route) => route.name);
  return node;
};

/** A router's routing-step config, as `router.graph()` shows it: its timeout and retries. */
const routerConfig = (router: RouterValue): NodeConfig => {
  const config: { -readonly [Key in keyof NodeConfig]: NodeConfig[Key] } = {};
  if (router.config.timeoutMs !== undefined) config.timeoutMs = router.config.timeoutMs;
  if (router.config.retries !== undefined) config.retries = router.config.retries;
  return config;
};

/**
 * The Graph of a pipeline, or of a router: a router's own graph is one
 * decision node, named like the router, with its routes.
 */
export const toGraph = (value: PipelineValue | RouterValue): Graph => {
  if (value.kind === "router") {
    const routes = value.routes.map((route) => route.name);
    const node: GraphNode = { id: value.name, kind: "router", after: [], config: routerConfig(value), routes };
    return { name: value.name, nodes: [node], edges: [] };
  }
  const nodes = value.steps.map(graphNode);
  return { name: value.name, nodes, edges: edgesOf(nodes) };
};
