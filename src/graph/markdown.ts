/**
 * Renders a Graph as a Markdown page: a title, where it is declared, its
 * Mermaid flowchart and a table of steps. The same renderer serves the
 * runtime (`renderMarkdown(p.graph())`) and the static docs generator, which
 * adds source locations and links between pages.
 */
import type { Graph, GraphNode } from "./graph.js";
import { renderMermaid } from "./mermaid.js";

/** A place in a source file. `href` is a relative link to the file, without a line fragment. */
export interface MarkdownSource {
  readonly path: string;
  readonly line: number;
  readonly href?: string;
}

/** Options for {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Text put before everything else, such as a "generated, do not edit" comment. */
  readonly preamble?: string;
  /** Where the pipeline is declared. */
  readonly source?: MarkdownSource;
  /** The variable the pipeline is assigned to, when it helps tell pages of one name apart. */
  readonly binding?: string;
  /** Where each step is declared, by step id. Adds a "Source" column. */
  readonly stepSources?: ReadonlyMap<string, MarkdownSource>;
  /** Pages of other pipelines, by pipeline name: sub-pipeline and route nodes link to them. */
  readonly links?: ReadonlyMap<string, string>;
  /** For a router: the pipeline each route runs, by route name. Adds a "Routes" table. */
  readonly routeTargets?: ReadonlyMap<string, string | undefined>;
}

const MARKDOWN_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes text for Markdown prose and table cells: HTML and Markdown syntax
 * render as text, `|` cannot end a cell and a line break cannot end a row.
 *
 * @example
 * ```ts
 * escapeMarkdown("a|b <i>"); // "a\\|b &lt;i&gt;"
 * ```
 */
export const escapeMarkdown = (text: string): string =>
  text
    .replace(/\r\n?|\n/g, " ")
    .replace(/[&<>]/g, (char) => MARKDOWN_ESCAPES[char] ?? char)
    .replace(/[\\`*_[\]{}()#+!|~]/g, (char) => `\\${char}`);

/** A relative link made safe for `[text](href)`: each path segment percent-encoded. */
const encodeHref = (href: string): string =>
  href
    .split("/")
    .map((segment) => (segment === "." || segment === ".." ? segment : encodeURIComponent(segment)))
    .join("/")
    .replace(/[()]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A Markdown link with escaped text and a percent-encoded relative href,
 * optionally to a line (`#L12`, as GitHub anchors it); plain text without an href.
 */
export const markdownLink = (text: string, href: string | undefined, line?: number): string =>
  href === undefined ? escapeMarkdown(text) : `[${escapeMarkdown(text)}](${encodeHref(href)}${line === undefined ? "" : `#L${line}`})`;

const sourceLink = (source: MarkdownSource, text: string): string => markdownLink(text, source.href, source.line);

/** Text in a code span, fenced with more backticks than it contains. */
const codeSpan = (text: string): string => {
  const flat = text.replace(/\r\n?|\n/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
};

/** Milliseconds as a person would write them: `250 ms`, `1.5 s`, `2 min`. */
const formatDuration = (ms: number): string => {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${ms / 1000} s`;
  return `${ms} ms`;
};

const NONE = "—";

const kindCell = (node: GraphNode, links: ReadonlyMap<string, string> | undefined): string => {
  const parts: string[] = [node.kind];
  if (node.pipeline !== undefined) parts.push(`runs ${markdownLink(node.pipeline, links?.get(node.pipeline))}`);
  if (node.routes !== undefined && node.routes.length > 0) parts.push(`routes: ${node.routes.map(escapeMarkdown).join(", ")}`);
  if (node.config.conditional) parts.push("conditional");
  return parts.join(", ");
};

const retriesCell = (node: GraphNode): string => {
  const { retries, retryDelayMs } = node.config;
  if (retries === undefined && retryDelayMs === undefined) return NONE;
  const count = retries === undefined ? NONE : String(retries);
  return retryDelayMs === undefined ? count : `${count} (delay ${formatDuration(retryDelayMs)})`;
};

const row = (cells: ReadonlyArray<string>): string => `| ${cells.join(" | ")} |`;

const stepsTable = (graph: Graph, options: MarkdownOptions): string[] => {
  const sources = options.stepSources;
  const header = ["Step", "Kind", "Depends on", "Timeout", "Retries", "Budget", "Model"];
  if (sources !== undefined) header.push("Source");
  const lines = [row(header), row(header.map(() => "---"))];
  for (const node of graph.nodes) {
    const cells = [
      escapeMarkdown(node.id),
      kindCell(node, options.links),
      node.after.length === 0 ? NONE : node.after.map(escapeMarkdown).join(", "),
      node.config.timeoutMs === undefined ? NONE : formatDuration(node.config.timeoutMs),
      retriesCell(node),
      node.config.costBudget === undefined ? NONE : `$${node.config.costBudget}`,
      node.config.model === undefined ? NONE : escapeMarkdown(node.config.model),
    ];
    if (sources !== undefined) {
      const source = sources.get(node.id);
      cells.push(source === undefined ? NONE : sourceLink(source, `line ${source.line}`));
    }
    lines.push(row(cells));
  }
  return lines;
};

const routesTable = (targets: ReadonlyMap<string, string | undefined>, links: ReadonlyMap<string, string> | undefined): string[] => [
  row(["Route", "Runs"]),
  row(["---", "---"]),
  ...[...targets].map(([route, target]) => row([escapeMarkdown(route), target === undefined ? NONE : markdownLink(target, links?.get(target))])),
];

/**
 * Renders a pipeline's graph as a Markdown page.
 *
 * @example
 * ```ts
 * import { pipeline, renderMarkdown } from "stepgraph";
 * const p = pipeline("shout").step("upper", () => "A");
 * const page = renderMarkdown(p.graph());
 * ```
 */
export const renderMarkdown = (graph: Graph, options: MarkdownOptions = {}): string => {
  const lines: string[] = [];
  if (options.preamble !== undefined) lines.push(options.preamble, "");
  lines.push(`# ${escapeMarkdown(graph.name)}`, "");
  if (options.source !== undefined) {
    const where = sourceLink(options.source, `${options.source.path}:${options.source.line}`);
    const as = options.binding === undefined ? "" : ` as ${codeSpan(options.binding)}`;
    lines.push(`Declared${as} in ${where}.`, "");
  }
  // Mermaid's `links` option is a record; a null prototype keeps ids such as "constructor" from matching Object's members.
  const mermaidLinks: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, href] of options.links ?? []) mermaidLinks[name] = href;
  lines.push("```mermaid", renderMermaid(graph, { links: mermaidLinks }).trimEnd(), "```", "");
  lines.push("## Steps", "", ...stepsTable(graph, options), "");
  if (options.routeTargets !== undefined) lines.push("## Routes", "", ...routesTable(options.routeTargets, options.links), "");
  return `${lines.join("\n").trimEnd()}\n`;
};
