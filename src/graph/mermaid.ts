/**
 * Renders a Graph as a Mermaid flowchart. Ids and labels are escaped so that
 * quotes, brackets, `-->` or HTML in an id render as text, never as structure.
 */
import { parallelLevels, type Graph, type GraphNode } from "./graph.js";

/** Escapes text for a quoted Mermaid label: entity codes for everything that could be read as markup. */
export const escapeMermaidLabel = (text: string): string =>
  text.replace(/[&"<>#`|\\[\]{}()]/g, (char) => `#${char.charCodeAt(0)};`);

/** A Mermaid-safe node identifier for the step at `index`. */
const nodeKey = (index: number): string => `s${index}`;

const shapeOf = (node: GraphNode, label: string): string => {
  switch (node.kind) {
    case "router":
      return `{"${label}"}`;
    case "pipeline":
      return `[["${label}"]]`;
    case "agent":
      return `(["${label}"])`;
    default:
      return `["${label}"]`;
  }
};

const labelOf = (node: GraphNode): string => {
  const details: string[] = [];
  if (node.kind === "agent" && node.config.model) details.push(node.config.model);
  if (node.kind === "pipeline" && node.pipeline) details.push(`runs ${node.pipeline}`);
  if (node.config.conditional) details.push("conditional");
  const text = escapeMermaidLabel(node.id);
  return details.length === 0 ? text : `${text}<br/><small>${details.map(escapeMermaidLabel).join(", ")}</small>`;
};

/** Options for {@link renderMermaid}. */
export interface MermaidOptions {
  /** Flowchart direction (default `"TD"`). */
  readonly direction?: "TD" | "LR";
  /** Links for sub-pipeline nodes, by pipeline name (used by the docs generator). */
  readonly links?: Readonly<Record<string, string>>;
}

/**
 * Renders the graph as a Mermaid flowchart: one node per step, an edge per
 * dependency, and steps that can run in parallel grouped in a subgraph.
 */
export const renderMermaid = (graph: Graph, options: MermaidOptions = {}): string => {
  const keys = new Map(graph.nodes.map((node, index) => [node.id, nodeKey(index)]));
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const lines = [`flowchart ${options.direction ?? "TD"}`];
  parallelLevels(graph).forEach((level, depth) => {
    const declare = (id: string, indent: string) => {
      const node = byId.get(id) as GraphNode;
      lines.push(`${indent}${keys.get(id)}${shapeOf(node, labelOf(node))}`);
    };
    if (level.length > 1) {
      lines.push(`  subgraph p${depth}["parallel"]`, "    direction LR");
      for (const id of level) declare(id, "    ");
      lines.push("  end");
    } else {
      for (const id of level) declare(id, "  ");
    }
  });
  for (const edge of graph.edges) lines.push(`  ${keys.get(edge.from)} --> ${keys.get(edge.to)}`);
  for (const node of graph.nodes) {
    if (node.kind === "router" && node.routes) {
      node.routes.forEach((route, index) => {
        const routeKey = `${keys.get(node.id)}r${index}`;
        lines.push(`  ${keys.get(node.id)} -. "${escapeMermaidLabel(route)}" .-> ${routeKey}(["${escapeMermaidLabel(route)}"])`);
      });
    }
    const link = node.pipeline === undefined ? undefined : options.links?.[node.pipeline];
    if (link !== undefined) lines.push(`  click ${keys.get(node.id)} "${encodeURI(link)}"`);
  }
  return `${lines.join("\n")}\n`;
};
