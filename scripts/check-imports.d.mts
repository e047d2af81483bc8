// Types of scripts/check-imports.mjs, for the tests that import it.

export interface Layer {
  readonly name: string;
  /** A folder ("src/runtime/") or a single file ("src/index.ts"), relative to the root. */
  readonly path: string;
  /** The layers its files may import besides their own. */
  readonly mayImport: readonly string[];
}

export interface ImportViolation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly target: string;
  readonly fromLayer: string;
  readonly toLayer: string;
}

export interface UnresolvedImport {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly target: string;
}

export interface ImportProblems {
  readonly files: number;
  /** Each cycle as a closed chain of root-relative paths: [a, b, a]. */
  readonly cycles: ReadonlyArray<readonly string[]>;
  readonly violations: readonly ImportViolation[];
  readonly unresolved: readonly UnresolvedImport[];
  readonly unknownLayers: ReadonlyArray<{ readonly folder: string; readonly files: readonly string[] }>;
}

export declare const LAYERS: readonly Layer[];
export declare const PACKAGE_ENTRY_POINTS: Readonly<Record<string, string>>;
export declare const ROOTS: readonly string[];
export declare function layerOf(file: string): string;
export declare function specifiersOf(fileName: string, source: string): Array<{ specifier: string; line: number }>;
export declare function findProblems(files: ReadonlyMap<string, string>): ImportProblems;
export declare function readTree(root: string): Map<string, string>;
export declare function checkImports(root: string): ImportProblems;
export declare function formatReport(problems: ImportProblems): { ok: boolean; text: string };
