/**
 * Knows where stepgraph itself lives, so the analyser can recognise imports
 * of it by path without loading (and type-checking) the library's sources.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { ts } from "ts-morph";

/** The package name the analyser treats as the library. */
export const LIBRARY_PACKAGE = "stepgraph";

interface PackageInfo {
  readonly name: string | undefined;
  readonly root: string;
}

const packages = new Map<string, PackageInfo | undefined>();

/** The package that holds `directory`, from the nearest package.json. */
const packageOf = (directory: string): PackageInfo | undefined => {
  if (packages.has(directory)) return packages.get(directory);
  const manifest = join(directory, "package.json");
  let info: PackageInfo | undefined;
  if (existsSync(manifest)) {
    let name: string | undefined;
    try {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
      name = typeof parsed.name === "string" ? parsed.name : undefined;
    } catch {
      name = undefined;
    }
    info = { name, root: directory };
  } else {
    const parent = dirname(directory);
    info = parent === directory ? undefined : packageOf(parent);
  }
  packages.set(directory, info);
  return info;
};

/** Whether `path` is the library's own code: in the stepgraph package, under its `src` or `dist` folder. */
export const isLibraryPath = (path: string): boolean => {
  const info = packageOf(dirname(path));
  if (info?.name !== LIBRARY_PACKAGE) return false;
  const top = relative(info.root, path).split(sep)[0];
  return top === "src" || top === "dist";
};

const resolutions = new Map<string, string | undefined>();

/** Where `specifier` imported from `containingFile` resolves, with the real (unrestricted) module resolution. */
const resolveImport = (specifier: string, containingFile: string, options: ts.CompilerOptions): string | undefined => {
  const key = `${dirname(containingFile)}\0${specifier}`;
  if (!resolutions.has(key)) {
    resolutions.set(key, ts.resolveModuleName(specifier, containingFile, options, ts.sys).resolvedModule?.resolvedFileName);
  }
  return resolutions.get(key);
};

/** Whether importing `specifier` from `containingFile` imports stepgraph (by package name or by a path into its sources). */
export const isLibraryModule = (specifier: string, containingFile: string, options: ts.CompilerOptions): boolean => {
  if (specifier === LIBRARY_PACKAGE) return true;
  const resolved = resolveImport(specifier, containingFile, options);
  return resolved !== undefined && isLibraryPath(resolved);
};
