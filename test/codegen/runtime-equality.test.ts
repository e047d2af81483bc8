/**
 * The static analyser's promise: for every pipeline in examples/ (and the
 * fixtures here, TypeScript and JavaScript), the graph read from source
 * without running it is exactly the graph the running pipeline reports with
 * `p.graph()`.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { analyze, toGraph, type StaticDocument } from "../../codegen/analyze/index.js";
import { fileStems } from "../../codegen/render/names.js";
import { renderFiles } from "../../codegen/render/pages.js";
import type { Graph } from "../../src/graph/graph.js";

const root = join(import.meta.dirname, "../..");
const sourcesIn = (folder: string): string[] =>
  readdirSync(join(root, folder))
    .filter((name) => /\.(?:[mc]?ts|[mc]?js)$/.test(name) && !/\.d\.[mc]?ts$/.test(name))
    .map((name) => `${folder}/${name}`)
    .sort();

const examples = sourcesIn("examples");
const fixtures = sourcesIn("test/codegen/fixtures");
const analysis = analyze({ paths: [...examples, ...fixtures], cwd: root });

const documentsIn = (file: string): StaticDocument[] =>
  analysis.documents.filter((document) => relative(root, document.location.file) === file);

interface Graphable {
  readonly name: string;
  graph(): Graph;
}
const isGraphable = (value: unknown): value is Graphable =>
  typeof value === "object" && value !== null && typeof (value as Graphable).name === "string" && typeof (value as Graphable).graph === "function";

/** The static document for an export: by variable name, else the only one with the pipeline's name. */
const staticFor = (documents: ReadonlyArray<StaticDocument>, exportName: string, runtime: Graphable): StaticDocument | undefined =>
  documents.find((document) => document.binding === exportName) ??
  (documents.filter((document) => document.value.name === runtime.name).length === 1
    ? documents.find((document) => document.value.name === runtime.name)
    : undefined);

/** Files whose exported pipelines can be compared (a pipeline that is not exported is documented, but cannot be imported here). */
const filesWithPipelines = [...examples, ...fixtures].filter((file) => documentsIn(file).some((document) => document.exported));

describe("static graphs equal runtime graphs", () => {
  it("finds pipelines to compare", () => {
    expect(filesWithPipelines.length).toBeGreaterThan(0);
    expect(fixtures).toContain("test/codegen/fixtures/scripted.mjs");
    expect(filesWithPipelines).toEqual(expect.arrayContaining(fixtures.filter((file) => !file.endsWith("/ids.ts"))));
  });

  it("reads the fixtures without warnings", () => {
    const fixtureWarnings = analysis.diagnostics.filter((diagnostic) => diagnostic.location?.file.includes("/test/codegen/fixtures/"));
    expect(fixtureWarnings).toEqual([]);
  });

  it.each(filesWithPipelines)("%s: every exported pipeline's static graph is its p.graph()", async (file) => {
    const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
    const exported = Object.entries(module).filter((entry): entry is [string, Graphable] => isGraphable(entry[1]));
    expect(exported.length, `${file} exports no pipelines, but the analyser found some`).toBeGreaterThan(0);
    for (const document of documentsIn(file).filter((candidate) => candidate.exported && candidate.binding !== undefined)) {
      expect(isGraphable(module[document.binding!]), `${file}: the analyser found "${document.binding}" exported, but the module does not export it`).toBe(true);
    }
    for (const [exportName, runtime] of exported) {
      const document = staticFor(documentsIn(file), exportName, runtime);
      expect(document, `${file}: the export "${exportName}" (pipeline "${runtime.name}") was not found statically`).toBeDefined();
      const staticGraph = toGraph(document!.value);
      expect(staticGraph, `${file}: ${exportName}`).toEqual(runtime.graph());
      // Same keys in the same order too, so the JSON output matches `JSON.stringify(p.graph())`.
      expect(JSON.stringify(staticGraph)).toBe(JSON.stringify(runtime.graph()));
    }
  });

  it("writes each exported pipeline to a file of its own, whose JSON is its p.graph(), also when exports share a pipeline name", async () => {
    const files = renderFiles(analysis.documents, "json", { cwd: root, outDir: join(root, "docs") });
    const stems = fileStems(analysis.documents);
    expect(files.size).toBe(analysis.documents.length);
    for (const file of ["test/codegen/fixtures/basic.ts", "test/codegen/fixtures/scripted.mjs"]) {
      const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
      const exported = Object.entries(module).filter((entry): entry is [string, Graphable] => isGraphable(entry[1]));
      expect(new Set(exported.map(([, runtime]) => runtime.name)).size, `${file} has exports that share a pipeline name`).toBeLessThan(exported.length);
      for (const [exportName, runtime] of exported) {
        const index = analysis.documents.findIndex((document) => document.binding === exportName && relative(root, document.location.file) === file);
        expect(index, `${file}: ${exportName}`).toBeGreaterThanOrEqual(0);
        expect(JSON.parse(files.get(`${stems[index]}.json`) ?? "null"), `${file}: ${exportName}`).toEqual(runtime.graph());
      }
    }
  });
});
