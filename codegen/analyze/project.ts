/**
 * Loads the files to analyse into one ts-morph Project: only the given files
 * and folders (never a tsconfig's file list), TypeScript and JavaScript
 * alike, with syntax errors and missing paths reported rather than thrown.
 */
import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { ModuleKind, ModuleResolutionKind, Project, ScriptTarget, ts, type SourceFile } from "ts-morph";
import { isLibraryPath } from "./library.js";
import type { Diagnostic } from "./model.js";

/** One path given on the command line, and the files read for it. */
export interface NamedPath {
  /** As given, relative to `cwd`. */
  readonly path: string;
  readonly folder: boolean;
  /** The absolute paths of its files that parsed cleanly. */
  readonly files: ReadonlyArray<string>;
  /** A file that is not TypeScript or JavaScript by its extension, so it was not read. */
  readonly unsupported?: true;
}

/** A loaded project: the files to document and what went wrong loading them. */
export interface LoadedProject {
  readonly project: Project;
  /** Files that parsed cleanly, sorted by path. */
  readonly files: ReadonlyArray<SourceFile>;
  /** The paths that exist, in the order given. */
  readonly named: ReadonlyArray<NamedPath>;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

/** The extensions read. In a folder, a JavaScript file next to a TypeScript one of the same name is taken for its compiled output. */
export const READ_EXTENSIONS: ReadonlyArray<string> = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set(READ_EXTENSIONS);
/** The TypeScript files a JavaScript file may have been compiled from. */
const COMPILED_FROM: Readonly<Record<string, ReadonlyArray<string>>> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };
const SOURCE_GLOBS = READ_EXTENSIONS.map((extension) => `**/*${extension}`);
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

/** JavaScript files are read like TypeScript ones (their syntax only; they are not type-checked). */
const JAVASCRIPT_OPTIONS = { allowJs: true, checkJs: false } as const;

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
          ...JAVASCRIPT_OPTIONS,
          // Ambient @types are not needed to read pipelines, and loading them costs time.
          types: [],
        },
      })
    : new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, resolutionHost, compilerOptions: { ...JAVASCRIPT_OPTIONS } });

/** Whether `file` is JavaScript with a TypeScript file of the same name beside it (its source, most likely). */
const isCompiledOutput = (file: string): boolean => {
  const extension = extname(file);
  const stem = file.slice(0, file.length - extension.length);
  return (COMPILED_FROM[extension] ?? []).some((source) => existsSync(`${stem}${source}`));
};

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
 * out of the documented files, so the others are still documented. A file
 * named explicitly is read whatever its neighbours; in a folder, JavaScript
 * next to TypeScript of the same name is skipped as compiled output.
 */
export const loadProject = (paths: ReadonlyArray<string>, cwd: string, tsConfigFilePath?: string): LoadedProject => {
  const project = createProject(tsConfigFilePath === undefined ? undefined : resolve(cwd, tsConfigFilePath));
  const diagnostics: Diagnostic[] = [];
  const explicit = new Set(paths.map((path) => resolve(cwd, path)).filter((path) => existsSync(path) && !statSync(path).isDirectory()));
  const given: Array<{ readonly path: string; readonly folder: boolean; readonly files: ReadonlyArray<SourceFile>; readonly unsupported?: true }> = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!existsSync(absolute)) {
      diagnostics.push({ severity: "error", location: undefined, message: `${path}: no such file or folder.` });
      continue;
    }
    if (statSync(absolute).isDirectory()) {
      const added = project
        .addSourceFilesAtPaths([...SOURCE_GLOBS.map((glob) => `${absolute}/${glob}`), ...EXCLUDED.map((glob) => `!${absolute}/${glob.slice(1)}`)])
        .filter((file) => {
          if (explicit.has(resolve(file.getFilePath())) || !isCompiledOutput(file.getFilePath())) return true;
          project.removeSourceFile(file);
          return false;
        });
      if (added.length === 0) diagnostics.push({ severity: "warning", location: undefined, message: `${path}: no TypeScript or JavaScript files in this folder.` });
      given.push({ path, folder: true, files: added });
    } else if (!SOURCE_EXTENSIONS.has(extname(absolute).toLowerCase())) {
      given.push({ path, folder: false, files: [], unsupported: true });
    } else {
      given.push({ path, folder: false, files: [project.addSourceFileAtPath(absolute)] });
    }
  }
  const files: SourceFile[] = [];
  for (const file of [...project.getSourceFiles()].sort((a, b) => a.getFilePath().localeCompare(b.getFilePath()))) {
    const problems = syntaxDiagnostics(project, file);
    if (problems.length === 0) files.push(file);
    else diagnostics.push(...problems);
  }
  const parsed = new Set(files);
  const named = given.map(({ files: added, ...entry }) => ({
    ...entry,
    files: added.filter((file) => parsed.has(file) && !file.wasForgotten()).map((file) => file.getFilePath()),
  }));
  return { project, files, named, diagnostics };
};
