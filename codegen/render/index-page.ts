/**
 * The index page of the generated docs: every pipeline and router, with its
 * size and where it is declared.
 */
import { markdownLink, type MarkdownSource } from "../../src/graph/markdown.js";
import type { StaticDocument } from "../analyze/index.js";

/** One row of the index. */
export interface IndexEntry {
  readonly document: StaticDocument;
  /** The page, relative to the index. */
  readonly page: string;
  readonly source: MarkdownSource;
  /** The variable of the pipeline this one extends, if any. */
  readonly extends?: string;
}

/** Renders the index page, sorted by pipeline name (then page, for equal names). */
export const renderIndex = (entries: ReadonlyArray<IndexEntry>, preamble: string): string => {
  const sorted = [...entries].sort((a, b) => {
    const byName = a.document.value.name.localeCompare(b.document.value.name, "en");
    return byName !== 0 ? byName : a.page.localeCompare(b.page, "en");
  });
  const lines = [preamble, "", "# Pipelines", ""];
  if (sorted.length === 0) {
    lines.push("No pipelines found.");
    return `${lines.join("\n")}\n`;
  }
  lines.push("| Pipeline | Kind | Steps | Declared in |", "| --- | --- | --- | --- |");
  for (const { document, page, source, extends: parent } of sorted) {
    const { value } = document;
    const size = value.kind === "router" ? `${value.routes.length} routes` : String(value.steps.length);
    const declared = markdownLink(`${source.path}:${source.line}`, source.href, source.line);
    const relation = parent === undefined ? "" : `, extends \`${parent}\``;
    const binding = document.binding === undefined ? "" : ` (\`${document.binding}\`${relation})`;
    lines.push(`| ${markdownLink(value.name, page)}${binding} | ${value.kind} | ${size} | ${declared} |`);
  }
  return `${lines.join("\n")}\n`;
};
