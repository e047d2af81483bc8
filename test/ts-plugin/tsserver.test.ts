/**
 * stepgraph/ts-plugin in a real tsserver, as a user's editor runs it: a
 * project whose tsconfig.json names the plugin, stepgraph in its
 * node_modules (the package's own package.json and ts-plugin/ folder, the
 * plugin built from src/ts-plugin with esbuild, types from src/), and
 * TypeScript in the same node_modules, whose tsserver loads plugins from there.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTsserver, tsserverIn, type TsserverClient } from "../../type-tests/editor/tsserver.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const project = mkdtempSync(join(tmpdir(), "stepgraph-ts-plugin-"));
const installed = join(project, "node_modules", "stepgraph");

const pipelines = `import { pipeline } from "stepgraph";

export const docs = pipeline<{ text: string }>("docs")
  .step("extract", (ctx) => ctx.input.text.split(" "))
  .step("count", { after: ["extract"] }, (ctx) => ctx.dep("extract").length);

export const other = pipeline<{ text: string }>("other")
  .step("extract", (ctx) => ctx.input.text)
  .step("shout", { after: ["extract"] }, (ctx) => ctx.dep("extract").toUpperCase());
`;
const uses = `import { docs, other } from "./pipelines.js";

const result = await docs.configure({ steps: { extract: { retries: 1 } } }).run({ text: "a b" });
export const words: string[] = result.outputs.extract;
export const loud = (await other.run({ text: "x" })).outputs.extract;
`;

let server: TsserverClient;
const logFile = join(project, "tsserver.log");
const file = (name: string) => join(project, "src", name);
const at = (name: string, text: string, before: string, occurrence = 0) => {
  const source = name === "pipelines.ts" ? pipelines : uses;
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = source.indexOf(before + text, index + 1);
  return index + before.length + (text.startsWith('"') ? 1 : 0);
};
const span = (name: string, offset: number) => `${file(name)}:${offset}:extract`;

beforeAll(async () => {
  mkdirSync(join(project, "src"), { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true, noEmit: true, skipLibCheck: true, types: [], plugins: [{ name: "stepgraph/ts-plugin" }] },
      include: ["src"],
    }),
  );
  writeFileSync(file("pipelines.ts"), pipelines);
  writeFileSync(file("uses.ts"), uses);
  // stepgraph as installed: its package.json (exports, files) and ts-plugin/ folder as published.
  mkdirSync(join(installed, "dist", "ts-plugin"), { recursive: true });
  writeFileSync(join(installed, "package.json"), readFileSync(join(root, "package.json")));
  cpSync(join(root, "ts-plugin"), join(installed, "ts-plugin"), { recursive: true });
  await build({ entryPoints: [join(root, "src/ts-plugin/index.ts")], outfile: join(installed, "dist/ts-plugin/index.cjs"), bundle: true, format: "cjs", platform: "node", target: "node20", logLevel: "silent" });
  // Its types: the library's sources (the project type-checks against them).
  writeFileSync(join(installed, "dist", "index.d.ts"), `export * from ${JSON.stringify(join(root, "src/index.js"))};\n`);
  // TypeScript beside it: tsserver looks for plugins in the node_modules it was started from.
  cpSync(join(root, "node_modules", "typescript"), join(project, "node_modules", "typescript"), { recursive: true });
  server = await startTsserver({ tsserver: tsserverIn(project), cwd: project, logFile });
  await server.open(file("uses.ts"));
  await server.open(file("pipelines.ts"));
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(project, { recursive: true, force: true });
});

describe("stepgraph/ts-plugin in tsserver", { timeout: 180_000 }, () => {
  it("is loaded from the project's node_modules, as tsconfig.json names it", async () => {
    // A first request waits for the project (and its plugins) to load.
    await server.definition(file("pipelines.ts"), at("pipelines.ts", '"extract"', "ctx.dep("));
    const log = readFileSync(logFile, "utf8");
    expect(log).toContain("Enabling plugin stepgraph/ts-plugin");
    expect(log).toContain("Plugin validation succeeded");
    expect(log).not.toContain("Failed to load module 'stepgraph/ts-plugin'");
  }, 120_000);

  it("goes from result.outputs.extract in one file to docs's .step(\"extract\" in another", async () => {
    const definitions = await server.definition(file("uses.ts"), at("uses.ts", "extract", "result.outputs."));
    expect(definitions).toEqual([span("pipelines.ts", at("pipelines.ts", '"extract"', ".step("))]);
  }, 60_000);

  it("renames other's extract in both files and leaves docs's alone", async () => {
    const rename = await server.rename(file("pipelines.ts"), at("pipelines.ts", '"extract"', ".step(", 1));
    expect(rename.canRename).toBe(true);
    expect(rename.fullDisplayName).toBe("other.extract");
    expect(rename.locations.sort()).toEqual(
      [
        span("pipelines.ts", at("pipelines.ts", '"extract"', ".step(", 1)),
        span("pipelines.ts", at("pipelines.ts", '"extract"', "after: [", 1)),
        span("pipelines.ts", at("pipelines.ts", '"extract"', "ctx.dep(", 1)),
        span("uses.ts", at("uses.ts", "extract", "})).outputs.")),
      ].sort(),
    );
  }, 60_000);

  it("shows a pipeline's name, input, output and step ids on hover", async () => {
    const hover = await server.hover(file("uses.ts"), at("uses.ts", "docs", "import { "));
    expect(hover).toBe(
      [`(alias) const docs: pipeline "docs", 2 steps`, `  input:    { text: string; }`, `  output:   number`, `  steps:    extract, count`].join("\n"),
    );
  }, 60_000);

  it("finds docs's references, configure's steps key among them", async () => {
    const references = await server.references(file("uses.ts"), at("uses.ts", "extract", "steps: { "));
    expect(references).toContain(span("uses.ts", at("uses.ts", "extract", "steps: { ")));
    expect(references).toHaveLength(5);
  }, 60_000);
});
