/**
 * The `stepgraph docs` command without its argument parsing: analyse the
 * sources, render one format, then write the output folder or check it.
 */
import { relative, resolve } from "node:path";
import { analyze, type Diagnostic } from "./analyze/index.js";
import { diffOutput, writeOutput, type OutputDifference, type WriteSummary } from "./output.js";
import { renderFiles, type Format } from "./render/pages.js";

/** What `stepgraph docs` is asked to do. */
export interface DocsOptions {
  /** Source files and folders, relative to `cwd`. */
  readonly paths: ReadonlyArray<string>;
  /** The output folder, relative to `cwd`. */
  readonly out: string;
  readonly format: Format;
  /** Compare with the output folder instead of writing it. */
  readonly check: boolean;
  /** Report a named file that yields no pipeline as an error rather than a warning. */
  readonly strict?: boolean;
  readonly cwd: string;
  readonly tsconfig?: string;
}

/** What a docs run found and did. */
export interface DocsReport {
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** How many pipelines and routers were documented. */
  readonly documented: number;
  /** The rendered files, by name within the output folder. */
  readonly files: ReadonlyMap<string, string>;
  /** With `check`: how the output folder differs. */
  readonly difference?: OutputDifference;
  /** Without `check`: what was written. */
  readonly written?: WriteSummary;
}

/** Generates the docs for `options.paths` and writes (or checks) `options.out`. */
export const runDocs = async (options: DocsOptions): Promise<DocsReport> => {
  const outDir = resolve(options.cwd, options.out);
  const analysis = analyze({
    paths: options.paths,
    cwd: options.cwd,
    strict: options.strict === true,
    ...(options.tsconfig === undefined ? {} : { tsconfig: options.tsconfig }),
  });
  const files = renderFiles(analysis.documents, options.format, { cwd: options.cwd, outDir });
  const base = { diagnostics: analysis.diagnostics, documented: analysis.documents.length, files };
  if (options.check) return { ...base, difference: await diffOutput(outDir, files, options.format) };
  return { ...base, written: await writeOutput(outDir, files, options.format) };
};

/** A diagnostic as compilers print them: `path:line:col: warning: message`, the path relative to `cwd`. */
export const formatDiagnostic = (diagnostic: Diagnostic, cwd: string): string => {
  const where = diagnostic.location;
  const prefix = where === undefined ? "" : `${relative(cwd, where.file).split("\\").join("/")}:${where.line}:${where.column}: `;
  return `${prefix}${diagnostic.severity}: ${diagnostic.message}`;
};
