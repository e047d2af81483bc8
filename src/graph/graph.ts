/**
 * The Graph: the one value that flows from the builder (or the static
 * analyser) to the renderers and the runtime.
 */

/** What kind of work a node does. */
export type NodeKind = "step" | "agent" | "pipeline" | "router";

/** A node's configuration, as far as it is known (omitted fields are not set). */
export interface NodeConfig {
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly costBudget?: number;
  /** The model of an agent step, where known. */
  readonly model?: string;
  /** Whether the step runs only when a condition holds. */
  readonly conditional?: boolean;
}

/** One step of a pipeline. */
export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** The steps this one waits for, in declaration order. */
  readonly after: ReadonlyArray<string>;
  readonly config: NodeConfig;
  /** For a step that runs a sub-pipeline or router: its name. */
  readonly pipeline?: string;
  /** For a router node: its route names. */
  readonly routes?: ReadonlyArray<string>;
}

/** An edge from a dependency to the step that waits for it. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

/** A pipeline's step graph: nodes in declaration order, and their edges. */
export interface Graph {
  readonly name: string;
  readonly nodes: ReadonlyArray<GraphNode>;
  readonly edges: ReadonlyArray<GraphEdge>;
}

/**
 * Checks what the types already promise, for callers without them: ids are
 * unique and every `after` id names an earlier step. Returns the first
 * problem as a sentence, or `undefined`.
 */
export const findDefinitionProblem = (nodes: ReadonlyArray<Pick<GraphNode, "id" | "after">>): string | undefined => {
  const seen = new Set<string>();
  for (const node of nodes) {
    const problem = findStepProblem(seen, node);
    if (problem !== undefined) return problem;
    seen.add(node.id);
  }
  return undefined;
};

/**
 * The same check for one step added after steps with the ids `earlier`
 * (which are known to be valid): its id is new and its `after` ids are
 * among them.
 */
export const findStepProblem = (earlier: ReadonlySet<string>, node: Pick<GraphNode, "id" | "after">): string | undefined => {
  if (typeof node.id !== "string" || node.id.length === 0) {
    return `a step id must be a non-empty string, got ${JSON.stringify(node.id)}.`;
  }
  if (earlier.has(node.id)) return `step "${node.id}" is already defined in this pipeline. Give each step its own id.`;
  for (const dependency of node.after) {
    if (!earlier.has(dependency)) {
      return `step "${node.id}" lists "${dependency}" in \`after\`, but no earlier step has that id. A step can only wait for steps declared before it.`;
    }
  }
  return undefined;
};

/** The edges implied by each node's `after` list. */
export const edgesOf = (nodes: ReadonlyArray<Pick<GraphNode, "id" | "after">>): Array<GraphEdge> =>
  nodes.flatMap((node) => node.after.map((from) => ({ from, to: node.id })));

/**
 * Groups nodes by depth (longest path from a root). Nodes of one depth have no
 * path between them, so they can run in parallel.
 */
export const parallelLevels = (graph: Pick<Graph, "nodes">): Array<Array<string>> => {
  const depth = new Map<string, number>();
  const levels: Array<Array<string>> = [];
  for (const node of graph.nodes) {
    let level = 0;
    for (const dependency of node.after) level = Math.max(level, (depth.get(dependency) ?? 0) + 1);
    depth.set(node.id, level);
    (levels[level] ??= []).push(node.id);
  }
  return levels;
};
