/**
 * W7's LangGraph.js side, in a process of its own (LangGraph runs nodes in
 * AsyncLocalStorage, which slows every promise of the process it is in): the
 * same two DAGs as a StateGraph, run with no checkpointer and with its
 * SQLite and PostgreSQL checkpointers (`@langchain/langgraph-checkpoint-sqlite`,
 * `-postgres`, pinned in bench/package.json), each run a thread of its own.
 * Prints one JSON line: run times by DAG and mode. Run by bench/durable/run.ts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type { Dag } from "../lib/dag.js";

const [dagsJson, runsText, pgUrl] = process.argv.slice(2);
const dags = JSON.parse(dagsJson!) as Array<Dag>;
const runs = Number(runsText);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The DAG as a StateGraph: each node writes its output to a channel of its own (what a checkpoint saves). */
const compile = (dag: Dag, checkpointer: unknown) => {
  const graph: any = new StateGraph(Annotation.Root(Object.fromEntries(dag.nodes.map((node) => [`${node.id}_output`, Annotation<string>()]))));
  const hasDependents = new Set(dag.nodes.flatMap((node) => node.deps));
  for (const node of dag.nodes) {
    graph.addNode(node.id, async () => {
      await sleep(node.latencyMs);
      return { [`${node.id}_output`]: node.id };
    });
  }
  for (const node of dag.nodes) {
    if (node.deps.length === 0) graph.addEdge(START, node.id);
    else if (node.deps.length === 1) graph.addEdge(node.deps[0], node.id);
    else graph.addEdge([...node.deps], node.id);
    if (!hasDependents.has(node.id)) graph.addEdge(node.id, END);
  }
  return graph.compile(checkpointer === undefined ? {} : { checkpointer });
};

const sqlite = SqliteSaver.fromConnString(join(mkdtempSync(join(tmpdir(), "w7-langgraph-")), "checkpoints.db"));
const postgres = pgUrl === undefined || pgUrl === "" ? undefined : PostgresSaver.fromConnString(pgUrl);
await postgres?.setup();
const modes: Array<[string, unknown]> = [["in memory", undefined], ["SQLite", sqlite], ...(postgres === undefined ? [] : [["PostgreSQL", postgres] as [string, unknown]])];
const stamp = Date.now();
const out: Record<string, Record<string, Array<number>>> = {};
for (const dag of dags) {
  const apps = modes.map(([name, saver]) => [name, compile(dag, saver)] as const);
  const times: Record<string, Array<number>> = Object.fromEntries(modes.map(([name]) => [name, []]));
  for (let round = -1; round < runs; round++) {
    for (const [name, app] of apps) {
      const begin = performance.now();
      await app.invoke({}, { configurable: { thread_id: `w7-${stamp}-${dag.name}-${round}` }, recursionLimit: dag.nodes.length + 10 });
      if (round >= 0) times[name]!.push(performance.now() - begin);
    }
  }
  out[dag.name] = times;
}
await postgres?.end();
process.stdout.write(`${JSON.stringify(out)}\n`);
