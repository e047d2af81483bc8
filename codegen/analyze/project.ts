/**
 * Loads the files to analyse into one ts-morph Project: only the given files
 * and folders (never a tsconfig's file list), with syntax errors and missing
 * paths reported rather than thrown.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ModuleKind, ModuleResolutionKind, Project, ScriptTarget, ts, type SourceFile } from "ts-morph";
import { isLibraryPath } from "./library.js";
import type { Diagnostic } from "./model.js";

/** A loaded project: the files to document and what went wrong loading them. */
export interface LoadedProject {
  readonly project: Project;
  /** Files that parsed cleanly, sorted by path. */
  readonly files: ReadonlyArray<SourceFile>;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

const SOURCE_GLOBS = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"];
const EXCLUDED = ["!**/node_modules/**", "!**/*.d.ts", "!**/*.d.mts", "!**/*.d.cts"];
/** Syntax errors reported per file; the rest usually follow from the first. */
const MAX_SYNTAX_ERRORS = 3;

/**
 * Resolves imports as TypeScript would, but does not load declaration files
 * (packages' types) or stepgraph's own sources: pipelines are read from
 * syntax and user constants, and loading the library's types (Effect's
 * among them) would cost most of the run.
 */
const resolutionHost = (host: ts.ModuleResolutionHost, getOptions: () => ts.CompilerOptions) => ({
  resolveModuleNames: (names: string[], containingFile: string) =>
    names.map((name) => {
      const resolved = ts.resolveModuleName(name, containingFile, getOptions(), host).resolvedModule;
      if (resolved === undefined || resolved.isExternalLibraryImport || isLibraryPath(resolved.resolvedFileName)) return undefined;
      return /\.d\.[mc]?ts$/.test(resolved.resolvedFileName) ? undefined : resolved;
    }),
});

const createProject = (tsConfigFilePath: string | undefined): Project =>
  tsConfigFilePath === undefined
    ? new Project({
        skipAddingFilesFromTsConfig: true,
        resolutionHost,
        compilerOptions: {
          target: ScriptTarget.ES2022,
          module: ModuleKind.NodeNext,
          moduleResolution: ModuleResolutionKind.NodeNext,
          lib: ["lib.es2022.d.ts"],
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          // Ambient @types are not needed to read pipelines, and loading them costs time.
          types: [],
        },
      })
    : new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, resolutionHost });

const syntaxDiagnostics = (project: Project, file: SourceFile): Diagnostic[] =>
  project
    .getProgram()
    .getSyntacticDiagnostics(file)
    .slice(0, MAX_SYNTAX_ERRORS)
    .map((diagnostic) => {
      const start = diagnostic.getStart() ?? 0;
      const { line, column } = file.getLineAndColumnAtPos(start);
      const message = ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, " ");
      return {
        severity: "warning" as const,
        location: { file: file.getFilePath(), line, column },
        message: `syntax error: ${message.replace(/\.?$/, ".")} The file's pipelines are not documented.`,
      };
    });

/**
 * Adds `paths` (files or folders, relative to `cwd`) to a new Project. A
 * missing path is an error; a file with syntax errors is reported and left
 * out of the documented files, so the others are still documented.
 */
export const loadProject = (paths: ReadonlyArray<string>, cwd: string, tsConfigFilePath?: string): LoadedProject => {
  const project = createProject(tsConfigFilePath === undefined ? undefined : resolve(cwd, tsConfigFilePath));
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!existsSync(absolute)) {
      diagnostics.push({ severity: "error", location: undefined, message: `${path}: no such file or folder.` });
      continue;
    }
    if (statSync(absolute).isDirectory()) {
      const added = project.addSourceFilesAtPaths([...SOURCE_GLOBS.map((glob) => `${absolute}/${glob}`), ...EXCLUDED.map((glob) => `!${absolute}/${glob.slice(1)}`)]);
      if (added.length === 0) diagnostics.push({ severity: "warning", location: undefined, message: `${path}: no TypeScript files in this folder.` });
    } else {
      project.addSourceFileAtPath(absolute);
    }
  }
  const files: SourceFile[] = [];
  for (const file of [...project.getSourceFiles()].sort((a, b) => a.getFilePath().localeCompare(b.getFilePath()))) {
    const problems = syntaxDiagnostics(project, file);
    if (problems.length === 0) files.push(file);
    else diagnostics.push(...problems);
  }
  return { project, files, diagnostics };
};
