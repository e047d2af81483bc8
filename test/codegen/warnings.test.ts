import { describe, expect, it } from "vitest";
import { analyze } from "../../codegen/analyze/index.js";
import { analyzeSources, describeDiagnostics, graphOf, writeTree } from "./helpers.js";

describe("what the analyser cannot know", () => {
  it("warns with file:line:col about an id from a function call, and leaves that pipeline out", () => {
    const analysis = analyzeSources({
      "flow.ts": [
        `import { pipeline } from "stepgraph";`,
        `const makeId = () => "dynamic";`,
        `export const ok = pipeline("ok").step("a", () => 1);`,
        `export const bad = pipeline("bad")`,
        `  .step("a", () => 1)`,
        `  .step(makeId(), { after: ["a"] }, () => 2);`,
      ].join("\n"),
    });
    expect(describeDiagnostics(analysis.diagnostics, analysis.root)).toEqual([
      'flow.ts:6:9: pipeline "bad": a step id is not statically known (`makeId()` is a function call); the pipeline is not documented.',
    ]);
    expect(analysis.diagnostics[0]?.severity).toBe("warning");
    expect(analysis.documents.map((document) => document.binding)).toEqual(["ok"]);
  });

  it("warns about a spread in after, a parameter id and a let variable, at the part that is not known", () => {
    const analysis = analyzeSources({
      "flow.ts": [
        `import { pipeline } from "stepgraph";`,
        `declare function deps(): string[];`,
        `let later = "a";`,
        `export const spread = pipeline("spread").step("a", () => 1).step("b", { after: [...deps()] }, () => 2);`,
        `export const make = (id: string) => pipeline("param").step(id, () => 1);`,
        `export const mutable = pipeline("mutable").step(later, () => 1);`,
      ].join("\n"),
    });
    expect(describeDiagnostics(analysis.diagnostics, analysis.root)).toEqual([
      'flow.ts:4:84: pipeline "spread": `after` of step "b" is not statically known (`deps()` is a function call); the pipeline is not documented.',
      'flow.ts:5:60: pipeline "param": a step id is not statically known (`id` is a parameter); the pipeline is not documented.',
      'flow.ts:6:49: pipeline "mutable": a step id is not statically known (`later` is a `let` or `var` variable, which may be reassigned); the pipeline is not documented.',
    ]);
    expect(analysis.documents).toEqual([]);
  });

  it("says when an id comes from a module it does not read", () => {
    const analysis = analyzeSources({
      "flow.ts": `import { pipeline } from "stepgraph";\nimport { ID } from "some-package";\nexport const p = pipeline("p").step(ID, () => 1);\n`,
    });
    expect(describeDiagnostics(analysis.diagnostics, analysis.root)).toEqual([
      "flow.ts:3:37: pipeline \"p\": a step id is not statically known (`ID` is imported from a module the analyser does not read (packages' and stepgraph's own files are not loaded)); the pipeline is not documented.",
    ]);
  });

  it("documents a pipeline whose config value is not known, leaving that field out with a warning", () => {
    const analysis = analyzeSources({
      "flow.ts": [
        `import { pipeline } from "stepgraph";`,
        `declare const settings: { timeout: number };`,
        `export const p = pipeline("p").step("a", { timeout: settings.timeout, retries: 2 }, () => 1);`,
        `export const q = pipeline("q").step("a", { timeout: "soon" as never }, () => 1);`,
      ].join("\n"),
    });
    expect(describeDiagnostics(analysis.diagnostics, analysis.root)).toEqual([
      'flow.ts:3:53: pipeline "p", step "a": `timeout` is not statically known (`settings` has no initializer); it is left out of the docs.',
      'flow.ts:4:53: pipeline "q", step "a" timeout: "soon" is not a duration. Use milliseconds (e.g. 5000) or a string such as "5 seconds". It is left out of the docs.',
    ]);
    expect(graphOf(analysis, "p").nodes[0]?.config).toEqual({ retries: 2 });
    expect(graphOf(analysis, "q").nodes[0]?.config).toEqual({});
  });

  it("warns about duplicate ids and unknown dependencies as the runtime would reject them", () => {
    const analysis = analyzeSources({
      "flow.ts": [
        `import { pipeline } from "stepgraph";`,
        `export const dup = pipeline("dup").step("a", () => 1).step("a", () => 2);`,
        `export const unknown = pipeline("unknown").step("a", { after: ["missing"] }, () => 1);`,
      ].join("\n"),
    });
    expect(describeDiagnostics(analysis.diagnostics, analysis.root)).toEqual([
      'flow.ts:2:60: pipeline "dup": step "a" is already defined in this pipeline. Give each step its own id; the pipeline is not documented.',
      'flow.ts:3:49: pipeline "unknown": step "a" lists "missing" in `after`, but no earlier step has that id. A step can only wait for steps declared before it; the pipeline is not documented.',
    ]);
    expect(analysis.documents).toEqual([]);
  });

  it("reports a file with a syntax error by file and line, and still documents the other files", () => {
    const analysis = analyzeSources({
      "good.ts": `import { pipeline } from "stepgraph";\nexport const good = pipeline("good").step("a", () => 1);\n`,
      "broken.ts": `import { pipeline } from "stepgraph";\nexport const broken = pipeline("broken").step("a", () => 1;\n`,
    });
    const messages = describeDiagnostics(analysis.diagnostics, analysis.root);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^broken\.ts:2:\d+: syntax error: '\)' expected\. The file's pipelines are not documented\.$/);
    expect(analysis.diagnostics[0]?.severity).toBe("warning");
    expect(analysis.documents.map((document) => document.value.name)).toEqual(["good"]);
  });

  it("reports a missing path as an error and documents the paths that exist", () => {
    const root = writeTree({ "good.ts": `import { pipeline } from "stepgraph";\nexport const good = pipeline("good").step("a", () => 1);\n` });
    const analysis = analyze({ paths: ["good.ts", "nope.ts"], cwd: root });
    expect(analysis.diagnostics).toEqual([{ severity: "error", location: undefined, message: "nope.ts: no such file or folder." }]);
    expect(analysis.documents.map((document) => document.value.name)).toEqual(["good"]);
  });
});
