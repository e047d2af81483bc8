/**
 * The one interface every contender implements: build a DAG once, then run
 * it as often as asked, returning how many steps executed so the harness can
 * check that every step ran exactly once.
 */
import type { Dag, DagNode } from "./dag.js";

/**
 * What a step does. The default sleeps for the node's latency with
 * setTimeout (and returns synchronously for 0 ms); W5 calls a model server.
 */
export type StepWork = (node: DagNode) => unknown;

/** A built DAG, ready to run many times (concurrently, too). */
export interface BuiltDag {
  /** Runs every step once; resolves with the number of steps that executed. */
  run(): Promise<number>;
}

/** Where a contender stands: the library, a reference point, or another engine. */
export type ContenderRole = "subject" | "baseline" | "peer";

export interface Contender {
  readonly name: string;
  readonly role: ContenderRole;
  /** One line on how the DAG is expressed (shown in RESULTS.md). */
  readonly encoding: string;
  build(dag: Dag, work: StepWork): BuiltDag | Promise<BuiltDag>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The default work: `latencyMs` of setTimeout, nothing at all for 0 ms. */
export const simulatedLatency: StepWork = (node) => (node.latencyMs > 0 ? sleep(node.latencyMs) : undefined);

export const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/** A per-run tally the steps increment. */
export interface Counter {
  count: number;
}

/**
 * What a step with `reads` does before its work: reads each of those
 * dependencies' outputs with the engine's own accessor (stepgraph's
 * `ctx.dep(id)`, Mastra's `getStepResult(id)`, a field of LangGraph's
 * state; for the baselines, which have no accessor, the value an awaited
 * Promise or Deferred resolved with, at a position worked out when the DAG
 * was built), in order, into one array, as a fan-in that combines its inputs
 * does. Every contender calls this, so they all pay the same for the array
 * and differ only in their accessor. The bench's outputs are whatever `work`
 * returned (undefined for a 0 ms step): what is measured is the lookup, not
 * the data.
 */
export const readDeps = <Key>(keys: ReadonlyArray<Key>, read: (key: Key) => unknown): unknown[] => {
  const values = new Array<unknown>(keys.length);
  for (let index = 0; index < keys.length; index++) values[index] = read(keys[index]!);
  lastRead.values = values;
  return values;
};

/**
 * The values the latest `readDeps` call read: the values escape, so no
 * compiler can drop the reads, and a check can look at what a contender read.
 */
export const lastRead: { values: ReadonlyArray<unknown> | undefined } = { values: undefined };
