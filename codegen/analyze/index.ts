/**
 * Static analysis of pipeline source: which pipelines and routers the given
 * files declare, and their graphs, without running any of it.
 */
import { AnalysisContext } from "./context.js";
import { collectDocuments } from "./collect.js";
import type { Diagnostic, StaticDocument } from "./model.js";
import { loadProject, READ_EXTENSIONS, type LoadedProject } from "./project.js";

export type { Diagnostic, SourceLocation, StaticDocument, StaticExtension } from "./model.js";
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
  /** Report a file named in `paths` that yields no pipeline as an error (by default, a warning). */
  readonly strict?: boolean;
}

/** The result of an analysis. */
export interface Analysis {
  /** Every fully resolved pipeline and router, by file then position. */
  readonly documents: ReadonlyArray<StaticDocument>;
  /** Warnings and errors, by file, line and column. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

/** What the analyser looks for, for messages about files where it found nothing. */
export const LOOKED_FOR =
  'looked for `pipeline(...)` and `router(...)` calls of the functions imported or required from "stepgraph", and `.step`, `.configure` and `.withServices` chains on them';

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** Diagnostics for the given paths that yield no pipeline: a file named explicitly (an error under `strict`), or a folder (a warning). */
const emptyPaths = (loaded: LoadedProject, found: ReadonlyMap<string, { readonly found: number; readonly documented: number }>, strict: boolean): Diagnostic[] => {
  const diagnostics: Diagnostic[] = [];
  const severity = strict ? "error" : "warning";
  for (const named of loaded.named) {
    if (named.unsupported === true) {
      diagnostics.push({ severity, location: undefined, message: `${named.path}: not a TypeScript or JavaScript file (${READ_EXTENSIONS.join(", ")}), so it was not read.` });
      continue;
    }
    // A file that did not parse has its syntax errors reported already; an empty folder, its own warning.
    if (named.files.length === 0) continue;
    const counts = named.files.map((file) => found.get(file) ?? { found: 0, documented: 0 });
    const total = counts.reduce((sum, count) => sum + count.found, 0);
    const documented = counts.reduce((sum, count) => sum + count.documented, 0);
    if (documented > 0) continue;
    if (named.folder) {
      if (total === 0) diagnostics.push({ severity: "warning", location: undefined, message: `${named.path}: no pipeline or router in its ${plural(named.files.length, "file")} (${LOOKED_FOR}).` });
    } else if (total === 0) {
      diagnostics.push({ severity, location: undefined, message: `${named.path}: no pipeline or router found (${LOOKED_FOR}).` });
    } else {
      diagnostics.push({
        severity,
        location: undefined,
        message: `${named.path}: none of its ${plural(total, "pipeline")} could be documented; the warnings for this file say why.`,
      });
    }
  }
  return diagnostics;
};

/**
 * Reads the pipelines and routers declared in `paths`. Pipelines whose
 * structure (name, step ids, `after` lists) is not statically known are left
 * out, each with a warning naming the file, line and column. A path that
 * yields no pipeline at all is reported too.
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
  const found = new Map<string, { readonly found: number; readonly documented: number }>();
  for (const file of loaded.files) {
    const collected = collectDocuments(ctx, file);
    documents.push(...collected.documents);
    found.set(file.getFilePath(), { found: collected.found, documented: collected.documents.length });
  }
  const diagnostics = [...loaded.diagnostics, ...emptyPaths(loaded, found, options.strict === true), ...ctx.diagnostics];
  return { documents, diagnostics: diagnostics.sort(byLocation) };
};
