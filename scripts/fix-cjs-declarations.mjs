// Runs after tsup (`npm run build`): rewrites the CommonJS declarations'
// imports of ES-module-only packages so that CommonJS TypeScript projects
// type-check them (see below). tsup writes declaration files in a worker of
// its own, so this is a step of the build rather than a tsup hook.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Dependencies published as ES modules only. The CommonJS build `require()`s
 * them, which Node supports from 20.19 (hence `engines`); their types must be
 * imported with `resolution-mode: "import"` in the CommonJS declarations, or
 * TypeScript reports TS1479 under `module: node16` with `skipLibCheck: false`.
 */
const esmOnly = ["effect"];

/**
 * Every CommonJS declaration file of the build: the entry points' and the
 * chunks tsup shares between them (named with a hash, such as
 * `dist/telemetry-<hash>.d.cts`, which holds the types both `stepgraph` and
 * `stepgraph/telemetry` use).
 */
const cjsDeclarations = (directory = "dist") =>
  existsSync(directory)
    ? readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? cjsDeclarations(join(directory, entry.name)) : entry.name.endsWith(".d.cts") ? [join(directory, entry.name)] : [],
      )
    : [];

/**
 * Rewrites the CommonJS declarations' imports of ES-module-only packages as
 * `import type ... with { "resolution-mode": "import" }` (TypeScript 5.3 and
 * newer; a declaration file imports only types, so nothing else changes).
 * Fails the build if such an import is left in a form it does not rewrite.
 */
const fixCjsDeclarations = () => {
  const esmOnlySpecifier = (specifier) => esmOnly.some((name) => specifier === name || specifier.startsWith(`${name}/`));
  for (const file of cjsDeclarations()) {
    if (!existsSync(file)) continue;
    const source = readFileSync(file, "utf8");
    const fixed = source
      .replace(
        /^import (?!type )(.+?) from '([^']+)';$/gm,
        (line, clause, specifier) =>
          esmOnlySpecifier(specifier) ? `import type ${clause} from '${specifier}' with { "resolution-mode": "import" };` : line,
      )
      // tsup keeps a chunk's imports in the files that import the chunk as bare `import 'effect/…';`; a declaration
      // file imports nothing by them (no names, and effect augments no module), so they go.
      .replace(/^import '([^']+)';\n/gm, (line, specifier) => (esmOnlySpecifier(specifier) ? "" : line));
    // TSDoc examples (` * import { Effect } from "effect";`) are comments, not imports.
    const code = fixed.replace(/^\s*\*.*$/gm, "");
    const left = [...code.matchAll(/(?:from |import\()\s*['"]([^'"]+)['"](?![^\n]*resolution-mode)/g)]
      .map((match) => match[1])
      .filter(esmOnlySpecifier);
    if (left.length > 0) {
      throw new Error(`${file}: imports of ES-module-only packages left without resolution-mode "import": ${left.join(", ")}`);
    }
    if (fixed !== source) writeFileSync(file, fixed);
  }
};


try {
  fixCjsDeclarations();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
