/**
 * LangGraph.js: a StateGraph with one node per step, an edge from START to
 * every root, `addEdge(dep, node)` for one dependency and the join form
 * `addEdge([deps...], node)` (waits for all of them) for fan-in. LangGraph
 * runs in supersteps (Pregel): a node becomes runnable after the superstep in
 * which its last input was written. When some node reads outputs, each
 * step that is read writes its output to a state channel of its own and a
 * node with `reads` reads those channels from the state it is given.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { readDeps, type Contender, type Counter } from "../lib/contender.js";
import { readIds } from "../lib/dag.js";

const State = Annotation.Root({});

/** The state channel a read step writes its output to (a channel may not share a node's name). */
const channelOf = (id: string) => `${id}_output`;

export const langgraph: Contender = {
  name: "langgraph",
  role: "peer",
  encoding: "StateGraph; addEdge(START, root), addEdge(dep, node), addEdge([deps], node) for fan-in; a fan-in reads its inputs from per-step state channels",
  build(dag, work) {
    // Node ids are generated at run time, which StateGraph's typed builder cannot check.
    const read = readIds(dag);
    // Only a DAG in which some step reads outputs gets state: one channel per step that is read.
    const graph: any = new StateGraph(
      read.size === 0 ? State : Annotation.Root(Object.fromEntries([...read].map((id) => [channelOf(id), Annotation<unknown>()]))),
    );
    const hasDependents = new Set(dag.nodes.flatMap((node) => node.deps));
    for (const node of dag.nodes) {
      const reads = node.reads;
      const kept = read.has(node.id);
      graph.addNode(node.id, async (state: Record<string, unknown>, config: { configurable: { counter: Counter } }) => {
        config.configurable.counter.count++;
        if (reads !== undefined) readDeps(reads, (id) => state[channelOf(id)]);
        const output = await work(node);
        return kept ? { [channelOf(node.id)]: output } : {};
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
