/**
 * Turns an analysed pipeline or router into the Graph shape `p.graph()`
 * returns, field for field, so one renderer serves both.
 */
import { edgesOf, type Graph, type GraphNode } from "../../src/graph/graph.js";
import { nodeConfigOf } from "../../src/graph/node-config.js";
import type { PipelineValue, RouterValue, StaticStep } from "./model.js";

const graphNode = (step: StaticStep): GraphNode => {
  const node: { -readonly [Key in keyof GraphNode]: GraphNode[Key] } = {
    id: step.id,
    kind: step.kind,
    after: [...step.after],
    config: nodeConfigOf({ ...step.config, model: step.model, conditional: step.conditional }),
  };
  if (step.target !== undefined) node.pipeline = step.target.name;
  if (step.target?.kind === "router") node.routes = step.target.routes.map((route) => route.name);
  return node;
};

/**
 * The Graph of a pipeline, or of a router: a router's own graph is one
 * decision node, named like the router, with its routes, and of its config
 * only the routing step's timeout and retries.
 */
export const toGraph = (value: PipelineValue | RouterValue): Graph => {
  if (value.kind === "router") {
    const routes = value.routes.map((route) => route.name);
    const config = nodeConfigOf({ timeoutMs: value.config.timeoutMs, retries: value.config.retries });
    const node: GraphNode = { id: value.name, kind: "router", after: [], config, routes };
    return { name: value.name, nodes: [node], edges: [] };
  }
  const nodes = value.steps.map(graphNode);
  return { name: value.name, nodes, edges: edgesOf(nodes) };
};
