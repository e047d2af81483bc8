/**
 * The workloads' shape: a DAG of steps with simulated latencies, built from a
 * fixed seed so every contender runs exactly the same graph.
 */

/** One step: its id, the ids it waits for (all earlier in `nodes`), and how long its work takes. */
export interface DagNode {
  readonly id: string;
  readonly deps: ReadonlyArray<string>;
  readonly latencyMs: number;
  /**
   * The dependencies whose outputs the step reads before its work, in this
   * order, through each engine's own way of handing a step its inputs
   * (stepgraph's `ctx.dep(id)`); see `readDeps` in contender.ts. Absent: the
   * step reads none (it only waits for them).
   */
  readonly reads?: ReadonlyArray<string>;
}

/** A DAG in topological order: every dependency appears before its dependents. */
export interface Dag {
  readonly name: string;
  readonly nodes: ReadonlyArray<DagNode>;
}

/** mulberry32: small, fast and deterministic, which is all a benchmark seed needs. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const integerBetween = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

/** W1: extract -> (classify, entities) -> generate -> validate. */
export const diamond = (latencies: { extract: number; classify: number; entities: number; generate: number; validate: number }): Dag => ({
  name: "diamond",
  nodes: [
    { id: "extract", deps: [], latencyMs: latencies.extract },
    { id: "classify", deps: ["extract"], latencyMs: latencies.classify },
    { id: "entities", deps: ["extract"], latencyMs: latencies.entities },
    { id: "generate", deps: ["classify", "entities"], latencyMs: latencies.generate },
    { id: "validate", deps: ["generate"], latencyMs: latencies.validate },
  ],
});

/** A random DAG: each step depends on 0..maxDeps distinct earlier steps and takes minMs..maxMs. */
export const randomDag = (options: {
  readonly seed: number;
  readonly steps: number;
  readonly maxDeps: number;
  readonly minMs: number;
  readonly maxMs: number;
}): Dag => {
  const random = seededRandom(options.seed);
  const nodes: DagNode[] = [];
  for (let index = 0; index < options.steps; index++) {
    const wanted = Math.min(index, integerBetween(random, 0, options.maxDeps));
    const deps = new Set<string>();
    while (deps.size < wanted) deps.add(`s${integerBetween(random, 0, index - 1)}`);
    nodes.push({ id: `s${index}`, deps: [...deps], latencyMs: integerBetween(random, options.minMs, options.maxMs) });
  }
  return { name: `random-${options.steps}`, nodes };
};

/** `steps` steps, each waiting for the one before. */
export const chain = (steps: number, latencyMs = 0): Dag => ({
  name: `chain-${steps}`,
  nodes: Array.from({ length: steps }, (_, index) => ({
    id: `s${index}`,
    deps: index === 0 ? [] : [`s${index - 1}`],
    latencyMs,
  })),
});

/**
 * One root, `steps - 2` parallel steps after it, and one step joining them
 * all. With `sinkReads: "every"` the join reads every dependency's output, as
 * a real fan-in does; with `"none"` (the default) it only waits for them.
 */
export const wide = (steps: number, latencyMs = 0, options: { readonly sinkReads?: "every" | "none" } = {}): Dag => {
  const middle = Array.from({ length: steps - 2 }, (_, index) => ({ id: `m${index}`, deps: ["root"], latencyMs }));
  const deps = middle.map((node) => node.id);
  const readsEvery = options.sinkReads === "every";
  return {
    name: `wide-${steps}${readsEvery ? "" : "-reads-none"}`,
    nodes: [{ id: "root", deps: [], latencyMs }, ...middle, { id: "join", deps, latencyMs, ...(readsEvery ? { reads: deps } : {}) }],
  };
};

/** The ids some step of `dag` reads the output of (so an engine that keeps outputs only on request keeps these). */
export const readIds = (dag: Dag): ReadonlySet<string> => new Set(dag.nodes.flatMap((node) => node.reads ?? []));

/** The longest sum of latencies along any path: the best makespan any scheduler can reach. */
export const criticalPathMs = (dag: Dag): number => {
  const finish = new Map<string, number>();
  let longest = 0;
  for (const node of dag.nodes) {
    let start = 0;
    for (const dep of node.deps) start = Math.max(start, finish.get(dep)!);
    const end = start + node.latencyMs;
    finish.set(node.id, end);
    longest = Math.max(longest, end);
  }
  return longest;
};

/** Steps grouped by depth (a root has depth 0; any other step is one deeper than its deepest dependency). */
export const levels = (dag: Dag): ReadonlyArray<ReadonlyArray<DagNode>> => {
  const depth = new Map<string, number>();
  const grouped: DagNode[][] = [];
  for (const node of dag.nodes) {
    let level = 0;
    for (const dep of node.deps) level = Math.max(level, depth.get(dep)! + 1);
    depth.set(node.id, level);
    (grouped[level] ??= []).push(node);
  }
  return grouped;
};

/** The makespan of running `dag` level by level: each level takes as long as its slowest step. */
export const levelByLevelMs = (dag: Dag): number =>
  levels(dag).reduce((total, level) => total + Math.max(...level.map((node) => node.latencyMs)), 0);

/** Throws unless `dag` is in topological order with no unknown or repeated ids. */
export const assertDag = (dag: Dag): void => {
  const seen = new Set<string>();
  for (const node of dag.nodes) {
    if (seen.has(node.id)) throw new Error(`${dag.name}: step "${node.id}" appears twice.`);
    for (const dep of node.deps) {
      if (!seen.has(dep)) throw new Error(`${dag.name}: step "${node.id}" depends on "${dep}", which is not an earlier step.`);
    }
    for (const read of node.reads ?? []) {
      if (!node.deps.includes(read)) throw new Error(`${dag.name}: step "${node.id}" reads "${read}", which is not one of its dependencies.`);
    }
    seen.add(node.id);
  }
};
