/**
 * Sources the analyser used to miss without a word: JavaScript files,
 * pipelines built by reassigning a `let`, and pipelines extended from
 * another variable (one page per value, saying what it extends).
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../codegen/analyze/index.js";
import { renderFiles } from "../../codegen/render/pages.js";
import { analyzeSources, describeDiagnostics, graphOf, writeTree } from "./helpers.js";

const ids = (graph: { nodes: ReadonlyArray<{ id: string }> }) => graph.nodes.map((node) => node.id);
const pages = (analysis: ReturnType<typeof analyzeSources>) => renderFiles(analysis.documents, "md", { cwd: analysis.root, outDir: analysis.root });

describe("JavaScript sources", () => {
  const JS = {
    "flows/esm.js": `import { pipeline } from "stepgraph";\nexport const esm = pipeline("esm").step("a", () => 1).step("b", { after: ["a"] }, () => 2);\n`,
    "flows/module.mjs": `import * as sg from "stepgraph";\nexport default sg.pipeline("module").step("a", (ctx) => ctx.input);\n`,
    "flows/common.cjs": [
      `const { pipeline: makePipeline } = require("stepgraph");`,
      `const sg = require("stepgraph");`,
      `const base = makePipeline("common").step("a", () => 1);`,
      `exports.direct = sg.pipeline("direct").step("x", () => 1);`,
      `module.exports.full = base.step("b", { after: ["a"], retries: 2 }, () => 2);`,
    ].join("\n"),
    "flows/view.jsx": `import { pipeline } from "stepgraph";\nconst view = <p>hi</p>;\nexport const jsx = pipeline("jsx").step("render", () => view);\n`,
  };

  it("reads .js, .mjs, .cjs and .jsx files in a folder like TypeScript, ES modules and CommonJS alike", () => {
    const analysis = analyzeSources(JS);
    expect(describeDiagnostics(analysis.diagnostics, analysis.root)).toEqual([]);
    expect(analysis.documents.map((document) => [document.value.name, document.binding, document.exported])).toEqual([
      ["direct", "direct", true],
      ["common", "full", true],
      ["esm", "esm", true],
      ["module", "default", true],
      ["jsx", "jsx", true],
    ]);
    expect(graphOf(analysis, "full").nodes).toEqual([
      { id: "a", kind: "step", after: [], config: {} },
      { id: "b", kind: "step", after: ["a"], config: { retries: 2 } },
    ]);
    expect(ids(graphOf(analysis, "esm"))).toEqual(["a", "b"]);
  });

  it("reads a JavaScript file named explicitly", () => {
    const root = writeTree(JS);
    const analysis = analyze({ paths: ["flows/esm.js", "flows/common.cjs"], cwd: root });
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.documents.map((document) => document.value.name)).toEqual(["direct", "common", "esm"]);
  });

  it("skips JavaScript next to TypeScript of the same name in a folder (compiled output), unless it is named", () => {
    const source = `import { pipeline } from "stepgraph";\nexport const p = pipeline("p").step("a", () => 1);\n`;
    const root = writeTree({ "src/p.ts": source, "src/p.js": source.replace(`"p"`, `"compiled"`) });
    expect(analyze({ paths: ["src"], cwd: root }).documents.map((document) => document.value.name)).toEqual(["p"]);
    expect(analyze({ paths: ["src", "src/p.js"], cwd: root }).documents.map((document) => document.value.name)).toEqual(["compiled", "p"]);
  });
});

describe("reassigned variables", () => {
  it("follows `p = p.step(...)` statements in order, and documents one pipeline with every step", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        let p = pipeline("x");
        p = p.step("a", () => 1);
        p = p.step("b", { after: ["a"] }, () => 2);
        export default p;
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.documents).toHaveLength(1);
    expect(analysis.documents[0]).toMatchObject({ binding: "p", exported: true });
    expect(graphOf(analysis, "p").edges).toEqual([{ from: "a", to: "b" }]);
    expect(ids(graphOf(analysis, "p"))).toEqual(["a", "b"]);
  });

  it("reads a variable where it is used: a later export extends the value it has at that point", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        let p;
        p = pipeline("x").step("a", () => 1);
        p = p.step("b", { after: ["a"] }, () => 2);
        export const full = p.step("c", { after: ["b"] }, () => 3);
        p = p.step("late", () => 4);
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(ids(graphOf(analysis, "full"))).toEqual(["a", "b", "c"]);
    expect(ids(graphOf(analysis, "p"))).toEqual(["a", "b", "late"]);
    expect(analysis.documents.find((document) => document.binding === "full")?.extends?.binding).toBe("p");
  });

  it("warns with file:line:col about an assignment in a branch, a loop or a function, and documents what is still known", () => {
    const analysis = analyzeSources({
      "flow.ts": [
        `import { pipeline } from "stepgraph";`,
        `declare const flag: boolean;`,
        `let branched = pipeline("branched").step("a", () => 1);`,
        `export const before = branched.step("b", { after: ["a"] }, () => 2);`,
        `if (flag) branched = branched.step("c", () => 3);`,
        `export const after = branched.step("d", () => 4);`,
        `let looped = pipeline("looped");`,
        `for (const id of ["a", "b"]) looped = looped.step(id, () => 1);`,
        `let later = pipeline("later").step("a", () => 1);`,
        `export const reset = () => { later = pipeline("later"); };`,
        `let fresh = pipeline("fresh").step("a", () => 1);`,
        `if (flag) fresh = fresh.step("b", () => 2);`,
        `fresh = pipeline("fresh").step("z", () => 1);`,
      ].join("\n"),
    });
    expect(describeDiagnostics(analysis.diagnostics, analysis.root)).toEqual([
      'flow.ts:5:11: pipeline "branched": `branched` is reassigned inside an `if` statement, and the analyser follows only plain `=` assignments that are statements of their own in the block that declares the variable; `branched` is not documented from here on.',
      'flow.ts:8:30: pipeline "looped": `looped` is reassigned inside a loop, and the analyser follows only plain `=` assignments that are statements of their own in the block that declares the variable; `looped` is not documented from here on.',
      'flow.ts:10:30: pipeline "later": `later` is reassigned inside a function, which may run at any time; `later` is not documented.',
    ]);
    // What reset() assigns is still a pipeline of its own, documented without a name, as any chain that is not followed.
    expect(analysis.documents.map((document) => document.binding)).toEqual(["before", undefined, "fresh"]);
    expect(ids(graphOf(analysis, "fresh"))).toEqual(["z"]);
  });
});

describe("pipelines extended from another variable", () => {
  const EXTENDED = `
    import { pipeline } from "stepgraph";
    const base = pipeline("x").step("a", () => 1);
    export const full = base.step("b", { after: ["a"] }, () => 2).step("c", () => 3);
  `;

  it("documents the exported value once, saying what it extends, and not the stage it was built from", () => {
    const analysis = analyzeSources({ "flow.ts": EXTENDED });
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.documents.map((document) => document.binding)).toEqual(["full"]);
    const files = pages(analysis);
    expect([...files.keys()]).toEqual(["x.md", "index.md"]);
    expect(files.get("x.md")).toContain("Declared as `full` in [flow.ts:4](flow.ts#L4).\n\nExtends `base` (step a) with b, c.\n\n```mermaid\n");
    expect(files.get("index.md")).toContain("| [x](x.md) (`full`, extends `base`) | pipeline | 3 |");
  });

  it("gives each exported value its own page, named after the variable when the pipeline name is taken, and links the one it extends", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        export const base = pipeline("x").step("a", () => 1);
        export const full = base.step("b", { after: ["a"] }, () => 2);
        export const tuned = base.configure({ steps: { a: { retries: 3 } } });
        export const alias = full;
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    const files = pages(analysis);
    expect([...files.keys()]).toEqual(["x.md", "x-full.md", "x-tuned.md", "index.md"]);
    expect(files.get("x.md")).not.toContain("Extends");
    expect(files.get("x-full.md")).toContain("\n\nExtends [`base`](x.md) (step a) with b.\n\n");
    expect(files.get("x-tuned.md")).toContain("\n\nExtends [`base`](x.md) (step a) without adding steps, and changes step settings with `.configure`.\n\n");
    expect(ids(graphOf(analysis, "full"))).toEqual(["a", "b"]);
  });

  it("without exports, documents each pipeline that is not only a stage of another, and keeps a stage that runs as a step", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        const base = pipeline("x").step("a", () => 1);
        const left = base.step("l", () => 2);
        const right = base.step("r", () => 3);
        const sub = pipeline("sub").step("s", () => 1);
        const subPlus = sub.step("t", () => 2);
        const outer = pipeline("outer").step("run", sub.asStep(() => 1));
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.documents.map((document) => document.binding)).toEqual(["left", "right", "sub", "subPlus", "outer"]);
    expect(pages(analysis).get("x-right.md")).toContain("\n\nExtends `base` (step a) with r.\n\n");
  });

  it("links a step that runs a copy of a pipeline (`sub.withServices().asStep()`) to that pipeline's page", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        export const sub = pipeline("sub").step("s", () => 1);
        export const main = pipeline("main").step("run", sub.withServices<{ db: string }>().asStep(() => 1));
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(pages(analysis).get("main.md")).toContain("| run | pipeline, runs [sub](sub.md) |");
  });
});
