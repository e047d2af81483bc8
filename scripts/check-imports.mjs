// Checks the import structure of src/ and codegen/: no file-level import
// cycles, and every relative import goes down the layers below.
//
//   node scripts/check-imports.mjs [root]      (root defaults to the repository)
//
// Every import counts: `import`, `import type`, `export ... from`,
// `import x = require(...)`, dynamic `import("...")` and `import("...")` types.
// Relative specifiers are resolved the way this repository writes them
// ("./x.js" -> "./x.ts", a directory -> its index.ts); npm packages and
// `node:` built-ins are not checked. Exits 1 and lists the problems if any.

// ---------------------------------------------------------------------------
// THE LAYER TABLE: the one place the layers are written down.
//
// Lowest first. Each layer names the layers it may import besides itself.
// A layer is a folder under src/ (or src/index.ts, or codegen/); a file may
// import files of its own layer and of the layers listed in `mayImport`.
//
//   graph, schema     the bottom: the step graph and the input schemas. They
//                     may import each other (the cycle check still forbids a
//                     file cycle between them), nothing else.
//   runtime           runs a graph.
//   durable,          side layers on top of runtime (they may not exist yet):
//   telemetry         runtime and below only, not each other.
//   agents            model calls, on top of runtime (and durable/telemetry).
//   flow              routers and batches, on top of agents.
//   builder           the `pipeline(...)` builder, on top of flow.
//   index             src/index.ts, the package entry point, at the top.
//   testing           src/testing, the `stepgraph/testing` entry point: kept
//                     apart, it imports only itself (and npm packages), and no
//                     other layer imports it.
//   codegen           the docs generator: itself and src/graph only.
//   ts-plugin         src/ts-plugin, the `stepgraph/ts-plugin` language-service
//                     plugin tsserver loads: kept apart like testing (it
//                     reads pipelines in the editor's program, never runs
//                     them), it imports only itself (and `typescript` types).
//
// A folder under src/ that is not in this table, or a file directly in src/
// other than index.ts, is an error ("unknown layer"): place new folders here
// on purpose. Imports of the package by name ("stepgraph", "stepgraph/testing")
// from inside it count as imports of its entry points (PACKAGE_ENTRY_POINTS).
// ---------------------------------------------------------------------------
const BOTTOM = ["graph", "schema"];

/** @type {ReadonlyArray<{ name: string, path: string, mayImport: readonly string[] }>} */
export const LAYERS = [
  { name: "graph", path: "src/graph/", mayImport: ["schema"] },
  { name: "schema", path: "src/schema/", mayImport: ["graph"] },
  { name: "runtime", path: "src/runtime/", mayImport: [...BOTTOM] },
  { name: "durable", path: "src/durable/", mayImport: ["runtime", ...BOTTOM] },
  { name: "telemetry", path: "src/telemetry/", mayImport: ["runtime", ...BOTTOM] },
  { name: "agents", path: "src/agents/", mayImport: ["durable", "telemetry", "runtime", ...BOTTOM] },
  { name: "flow", path: "src/flow/", mayImport: ["agents", "durable", "telemetry", "runtime", ...BOTTOM] },
  { name: "builder", path: "src/builder/", mayImport: ["flow", "agents", "durable", "telemetry", "runtime", ...BOTTOM] },
  { name: "index", path: "src/index.ts", mayImport: ["builder", "flow", "agents", "durable", "telemetry", "runtime", ...BOTTOM] },
  { name: "testing", path: "src/testing/", mayImport: [] },
  { name: "codegen", path: "codegen/", mayImport: ["graph"] },
  { name: "ts-plugin", path: "src/ts-plugin/", mayImport: [] },
];

/** Bare specifiers that name this package itself, and the file each one loads. */
export const PACKAGE_ENTRY_POINTS = {
  stepgraph: "src/index.ts",
  "stepgraph/testing": "src/testing/index.ts",
  "stepgraph/telemetry": "src/telemetry/index.ts",
};

/** The folders that are walked (relative to the root). */
export const ROOTS = ["src", "codegen"];
// ---------------------------------------------------------------------------

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const SOURCE_FILE = /\.(?:ts|mts|cts|tsx)$/;
/** Extensions an import may be written with for a TypeScript file, and the file extensions they stand for. */
const WRITTEN_AS = [
  [".js", [".ts", ".tsx"]],
  [".mjs", [".mts"]],
  [".cjs", [".cts"]],
  [".jsx", [".tsx"]],
];
const CODE_EXTENSION = /\.(?:[mc]?[jt]sx?)$/;

/** The layer `file` (a root-relative posix path) belongs to: a layer name, "unknown" (in src/ but not in the table) or "outside". */
export const layerOf = (file) => {
  for (const layer of LAYERS) {
    if (layer.path.endsWith("/") ? file.startsWith(layer.path) : file === layer.path) return layer.name;
  }
  return ROOTS.some((root) => file.startsWith(`${root}/`)) ? "unknown" : "outside";
};

const layerByName = new Map(LAYERS.map((layer) => [layer.name, layer]));

/** Whether a file of layer `from` may import a file of layer `to`. */
const mayImport = (from, to) => from === to || (layerByName.get(from)?.mayImport.includes(to) ?? false);

/** Every module specifier `source` refers to, with its 1-based line. */
export const specifiersOf = (fileName, source) => {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const add = (literal) => {
    if (literal === undefined || !ts.isStringLiteralLike(literal)) return;
    found.push({ specifier: literal.text, line: sourceFile.getLineAndCharacterOfPosition(literal.getStart(sourceFile)).line + 1 });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
};

/**
 * Where `specifier`, imported from `from`, points: `{ file }` (a root-relative
 * path, possibly of a file that is not TypeScript, such as a .json), `{ package: true }`
 * for npm packages and built-ins, or `{ unresolved: path }`.
 */
const resolveSpecifier = (from, specifier, files) => {
  if (Object.hasOwn(PACKAGE_ENTRY_POINTS, specifier)) return { file: PACKAGE_ENTRY_POINTS[specifier] };
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && !specifier.startsWith("/")) return { package: true };
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target];
  for (const [written, actual] of WRITTEN_AS) {
    if (target.endsWith(written)) candidates.push(...actual.map((extension) => target.slice(0, -written.length) + extension));
  }
  candidates.push(`${target}.ts`, `${target}/index.ts`);
  const found = candidates.find((candidate) => files.has(candidate));
  if (found !== undefined) return { file: found };
  // A relative import of something that is not code (a .json, say) is an edge to that path.
  if (/\.[a-z0-9]+$/i.test(target) && !CODE_EXTENSION.test(target)) return { file: target };
  return { unresolved: target };
};

/** Import cycles, each as a closed chain [a, b, ..., a]: for every edge inside a cycle, the shortest cycle through it. */
const findCycles = (graph) => {
  // Tarjan's strongly connected components (iterative, so deep chains do not overflow the stack).
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = graph.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  const cycles = new Map();
  for (const component of components) {
    const members = new Set(component);
    const selfLoop = component.length === 1 && (graph.get(component[0]) ?? []).includes(component[0]);
    if (component.length === 1 && !selfLoop) continue;
    /** Shortest path from `source` to `destination` inside the component (breadth first, neighbours in sorted order). */
    const shortestPath = (source, destination) => {
      const previous = new Map([[source, undefined]]);
      const queue = [source];
      for (let head = 0; head < queue.length; head++) {
        const node = queue[head];
        if (node === destination) break;
        for (const next of graph.get(node) ?? []) {
          if (!members.has(next) || previous.has(next)) continue;
          previous.set(next, node);
          queue.push(next);
        }
      }
      const path = [];
      for (let node = destination; node !== undefined; node = previous.get(node)) path.unshift(node);
      return path;
    };
    for (const from of [...component].sort()) {
      for (const to of graph.get(from) ?? []) {
        if (!members.has(to)) continue;
        const loop = from === to ? [from] : [from, ...shortestPath(to, from).slice(0, -1)];
        // The same cycle found from another of its edges: keep one, starting at its smallest file.
        const first = loop.indexOf([...loop].sort()[0]);
        const rotated = [...loop.slice(first), ...loop.slice(0, first)];
        const key = rotated.join(" -> ");
        if (!cycles.has(key)) cycles.set(key, [...rotated, rotated[0]]);
      }
    }
  }
  return [...cycles.values()].sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
};

/**
 * The problems in a tree of sources: `files` maps root-relative posix paths
 * (e.g. "src/runtime/run.ts") to their text. Only the layers of files in the
 * map are checked, so pass every file under src/ and codegen/.
 *
 * @param {ReadonlyMap<string, string>} files
 */
export const findProblems = (files) => {
  const graph = new Map();
  const violations = [];
  const unresolved = [];
  const unknownLayers = new Map();
  for (const [file, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const fromLayer = layerOf(file);
    if (fromLayer === "unknown") {
      const folder = file.split("/").length > 2 ? `${file.split("/").slice(0, 2).join("/")}/` : file;
      unknownLayers.set(folder, [...(unknownLayers.get(folder) ?? []), file]);
    }
    const targets = new Set();
    for (const { specifier, line } of specifiersOf(file, source)) {
      const resolved = resolveSpecifier(file, specifier, files);
      if (resolved.package) continue;
      if (resolved.unresolved !== undefined) {
        unresolved.push({ file, line, specifier, target: resolved.unresolved });
        continue;
      }
      const target = resolved.file;
      if (files.has(target)) targets.add(target);
      const toLayer = layerOf(target);
      if (fromLayer === "unknown" || toLayer === "unknown" || mayImport(fromLayer, toLayer)) continue;
      violations.push({ file, line, specifier, target, fromLayer, toLayer });
    }
    graph.set(file, [...targets].sort());
  }
  return {
    files: files.size,
    cycles: findCycles(graph),
    violations,
    unresolved,
    unknownLayers: [...unknownLayers].map(([folder, members]) => ({ folder, files: members })),
  };
};

/** Every source file under the ROOTS of `root`, by root-relative posix path. */
export const readTree = (root) => {
  const files = new Map();
  const walk = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(path);
      } else if (SOURCE_FILE.test(entry.name)) {
        files.set(relative(root, path).split(sep).join("/"), readFileSync(path, "utf8"));
      }
    }
  };
  for (const folder of ROOTS) {
    const path = join(root, folder);
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) walk(path);
  }
  return files;
};

/** {@link findProblems} of the tree at `root`. */
export const checkImports = (root) => findProblems(readTree(root));

const describeLayer = (name) => (name === "outside" ? `outside ${ROOTS.map((folder) => `${folder}/`).join(" and ")}` : name);

/** The report for `problems`: `{ ok, text }`. */
export const formatReport = (problems) => {
  const { files, cycles, violations, unresolved, unknownLayers } = problems;
  const where = `${files} files in ${ROOTS.map((folder) => `${folder}/`).join(" and ")}`;
  const count = cycles.length + violations.length + unresolved.length + unknownLayers.length;
  if (count === 0) return { ok: true, text: `imports: ${where}, no cycles, every import goes down the layers` };
  const lines = [`imports: ${count} problem${count === 1 ? "" : "s"} in ${where} (rules: the layer table at the top of scripts/check-imports.mjs)`];
  if (cycles.length > 0) {
    lines.push("", `Import cycles (${cycles.length}; type-only imports count too):`);
    for (const cycle of cycles) lines.push(`  ${cycle.join(" -> ")}`);
  }
  if (violations.length > 0) {
    lines.push("", `Imports a layer may not make (${violations.length}):`);
    for (const { file, line, target, fromLayer, toLayer } of violations) {
      const allowed = [fromLayer, ...(layerByName.get(fromLayer)?.mayImport ?? [])].join(", ");
      lines.push(`  ${file}:${line} (${fromLayer}) imports ${target} (${describeLayer(toLayer)}); ${fromLayer} may import only: ${allowed}`);
    }
  }
  if (unresolved.length > 0) {
    lines.push("", `Relative imports that resolve to no file (${unresolved.length}):`);
    for (const { file, line, specifier } of unresolved) lines.push(`  ${file}:${line} imports "${specifier}"`);
  }
  if (unknownLayers.length > 0) {
    lines.push("", `Unknown layers (${unknownLayers.length}; add them to the layer table to place them on purpose):`);
    for (const { folder, files: members } of unknownLayers) lines.push(`  ${folder} (${members.length} file${members.length === 1 ? "" : "s"}): unknown layer`);
  }
  return { ok: false, text: lines.join("\n") };
};

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const root = resolve(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
  const report = formatReport(checkImports(root));
  if (report.ok) {
    console.log(report.text);
  } else {
    console.error(report.text);
    process.exitCode = 1;
  }
}
