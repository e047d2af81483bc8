/**
 * Static analysis of pipeline source: which pipelines and routers the given
 * files declare, and their graphs, without running any of it.
 */
import { AnalysisContext } from "./context.js";
import { collectDocuments } from "./collect.js";
import type { Diagnostic, StaticDocument } from "./model.js";
import { loadProject } from "./project.js";

export type { Diagnostic, SourceLocation, StaticDocument } from "./model.js";
export { toGraph } from "./graph.js";

/** Orders diagnostics by file, line and column; those without a place (missing paths) first. */
const byLocation = (a: Diagnostic, b: Diagnostic): number => {
  if (a.location === undefined || b.location === undefined) return a.location === undefined ? (b.location === undefined ? 0 : -1) : 1;
  return a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column;
};

/** What to analyse. */
export interface AnalyzeOptions {
  /** Files and folders, relative to `cwd`. */
  readonly paths: ReadonlyArray<string>;
  readonly cwd: string;
  /** A tsconfig for module resolution; by default NodeNext with strict settings. Its file list is never used. */
  readonly tsconfig?: string;
}

/** The result of an analysis. */
export interface Analysis {
  /** Every fully resolved pipeline and router, by file then position. */
  readonly documents: ReadonlyArray<StaticDocument>;
  /** Warnings and errors, by file, line and column. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

/**
 * Reads the pipelines and routers declared in `paths`. Pipelines whose
 * structure (name, step ids, `after` lists) is not statically known are left
 * out, each with a warning naming the file, line and column.
 *
 * @example
 * ```ts
 * const { documents, diagnostics } = analyze({ paths: ["examples"], cwd: process.cwd() });
 * ```
 */
export const analyze = (options: AnalyzeOptions): Analysis => {
  const loaded = loadProject(options.paths, options.cwd, options.tsconfig);
  const ctx = new AnalysisContext(loaded.project);
  const documents: StaticDocument[] = [];
  for (const file of loaded.files) {
    for (const document of collectDocuments(ctx, file)) {
      if (document.value.complete) documents.push(document);
    }
  }
  return { documents, diagnostics: [...loaded.diagnostics, ...ctx.diagnostics].sort(byLocation) };
};
