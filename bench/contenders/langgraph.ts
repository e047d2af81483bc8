/**
 * LangGraph.js: a StateGraph with one node per step, an edge from START to
 * every root, `addEdge(dep, node)` for one dependency and the join form
 * `addEdge([deps...], node)` (waits for all of them) for fan-in. LangGraph
 * runs in supersteps (Pregel): a node becomes runnable after the superstep in
 * which its last input was written.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { Contender, Counter } from "../lib/contender.js";

const State = Annotation.Root({});

export const langgraph: Contender = {
  name: "langgraph",
  role: "peer",
  encoding: "StateGraph; addEdge(START, root), addEdge(dep, node), addEdge([deps], node) for fan-in",
  build(dag, work) {
    // Node ids are generated at run time, which StateGraph's typed builder cannot check.
    const graph: any = new StateGraph(State);
    const hasDependents = new Set(dag.nodes.flatMap((node) => node.deps));
    for (const node of dag.nodes) {
      graph.addNode(node.id, async (_state: unknown, config: { configurable: { counter: Counter } }) => {
        config.configurable.counter.count++;
        await work(node);
        return {};
      });
    }
    for (const node of dag.nodes) {
      if (node.deps.length === 0) graph.addEdge(START, node.id);
      else if (node.deps.length === 1) graph.addEdge(node.deps[0], node.id);
      else graph.addEdge([...node.deps], node.id);
      if (!hasDependents.has(node.id)) graph.addEdge(node.id, END);
    }
    const app = graph.compile();
    const recursionLimit = dag.nodes.length + 10;
    return {
      async run() {
        const counter: Counter = { count: 0 };
        await app.invoke({}, { configurable: { counter }, recursionLimit });
        return counter.count;
      },
    };
  },
};
