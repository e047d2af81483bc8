import { describe, expect, it } from "vitest";
import { analyzeSources, graphOf } from "./helpers.js";

const ids = (graph: { nodes: ReadonlyArray<{ id: string }> }) => graph.nodes.map((node) => node.id);

describe("static analysis of pipelines", () => {
  it("follows a pipeline built across several statements, and documents each exported stage", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        export const base = pipeline("articles").step("fetch", () => 1).step("parse", { after: ["fetch"] }, () => 2);
        export const middle = base.withServices<{ db: string }>();
        export const full = middle.step("store", { after: ["parse"] }, () => 3);
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(ids(graphOf(analysis, "base"))).toEqual(["fetch", "parse"]);
    expect(ids(graphOf(analysis, "middle"))).toEqual(["fetch", "parse"]);
    const full = graphOf(analysis, "full");
    expect(full.name).toBe("articles");
    expect(ids(full)).toEqual(["fetch", "parse", "store"]);
    expect(full.edges).toEqual([
      { from: "fetch", to: "parse" },
      { from: "parse", to: "store" },
    ]);
  });

  it("resolves ids and after lists from constants, as-const arrays, objects, templates and other files", () => {
    const analysis = analyzeSources({
      "ids.ts": `
        export const FETCH = "fetch";
        export const STEPS = { parse: "parse", store: "store" } as const;
        export const SOURCES = [FETCH, STEPS.parse] as const;
      `,
      "flow.ts": `
        import { pipeline } from "stepgraph";
        import { FETCH, SOURCES, STEPS } from "./ids.js";
        const NAME = "articles";
        const suffix = "v2";
        const options = { after: SOURCES, timeout: "2 seconds" } as const;
        export const p = pipeline(\`\${NAME}-\${suffix}\`)
          .step(FETCH, () => 1)
          .step(STEPS.parse, { after: [FETCH] }, () => 2)
          .step(STEPS["store"], options, () => 3)
          .step("audit", { after: [...SOURCES, STEPS.store] }, () => 4);
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    const graph = graphOf(analysis, "p");
    expect(graph.name).toBe("articles-v2");
    expect(graph.nodes.map((node) => [node.id, node.after])).toEqual([
      ["fetch", []],
      ["parse", ["fetch"]],
      ["store", ["fetch", "parse"]],
      ["audit", ["fetch", "parse", "store"]],
    ]);
    expect(graph.nodes[2]?.config).toEqual({ timeoutMs: 2000 });
  });

  it("uses the checker's literal type when a value has no readable initializer", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        declare const STORE: "store";
        declare const deps: readonly ["fetch"];
        export const p = pipeline("p").step("fetch", () => 1).step(STORE, { after: deps }, () => 2);
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(graphOf(analysis, "p").nodes[1]).toMatchObject({ id: "store", after: ["fetch"] });
  });

  it("reads step config in the Graph's units, and applies configure({ steps }) over the step's own options", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        const SLOW = 1500;
        export const base = pipeline("p")
          .step("a", { timeout: "5 seconds", retries: 2, retryDelay: "250 millis", costBudget: 0.25 }, () => 1)
          .step("b", { after: ["a"], timeout: SLOW, when: () => true }, () => 2);
        export const tuned = base.configure({ maxConcurrency: 2, steps: { a: { retries: 5 }, b: { timeout: "1 minute" } } });
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(graphOf(analysis, "base").nodes.map((node) => node.config)).toEqual([
      { timeoutMs: 5000, retries: 2, retryDelayMs: 250, costBudget: 0.25 },
      { timeoutMs: 1500, conditional: true },
    ]);
    expect(graphOf(analysis, "tuned").nodes.map((node) => node.config)).toEqual([
      { timeoutMs: 5000, retries: 5, retryDelayMs: 250, costBudget: 0.25 },
      { timeoutMs: 60000, conditional: true },
    ]);
  });

  it("marks agent steps with their model, without the openai: prefix", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { agent, pipeline } from "stepgraph";
        const MODEL = "openai:gpt-4o-mini";
        const writer = agent({ model: MODEL, system: "Write." });
        const summarize = agent({ model: "ft:gpt-4o-mini:acme::1" }).asStep((ctx) => "hi");
        export const p = pipeline("p")
          .step("draft", writer.asStep((ctx) => "draft"))
          .step("summary", { after: ["draft"] }, summarize);
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(graphOf(analysis, "p").nodes).toEqual([
      { id: "draft", kind: "agent", after: [], config: { model: "gpt-4o-mini" } },
      { id: "summary", kind: "agent", after: ["draft"], config: { model: "ft:gpt-4o-mini:acme::1" } },
    ]);
  });

  it("marks sub-pipeline and router steps, and reads a router's routes", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline, router } from "stepgraph";
        export const simple = pipeline("simple").step("answer", () => 1);
        export const complex = pipeline("complex").step("plan", () => 1);
        export const triage = router("triage", { routes: { simple, complex: complex }, route: () => "simple", fallback: "simple" });
        export const main = pipeline("main")
          .step("prepare", () => 1)
          .step("handle", { after: ["prepare"] }, triage.asStep((ctx) => ctx.input))
          .step("extra", { after: ["handle"] }, simple.asStep((ctx) => ctx.input));
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(graphOf(analysis, "triage")).toEqual({
      name: "triage",
      nodes: [{ id: "triage", kind: "router", after: [], config: {}, routes: ["simple", "complex"] }],
      edges: [],
    });
    expect(graphOf(analysis, "main").nodes.slice(1)).toEqual([
      { id: "handle", kind: "router", after: ["prepare"], config: {}, pipeline: "triage", routes: ["simple", "complex"] },
      { id: "extra", kind: "pipeline", after: ["handle"], config: {}, pipeline: "simple" },
    ]);
  });

  it("recognises stepgraph through renamed, namespace and re-exported imports, and ignores other functions called pipeline", () => {
    const analysis = analyzeSources({
      "lib.ts": `export { pipeline as makePipeline } from "stepgraph";`,
      "flow.ts": `
        import { pipeline as p } from "stepgraph";
        import * as sg from "stepgraph";
        import { makePipeline } from "./lib.js";
        const pipeline = (name: string) => ({ step: (id: string, fn: unknown) => name });
        export const renamed = p("renamed").step("a", () => 1);
        export const namespaced = sg.pipeline("namespaced").step("a", () => 1);
        export const reexported = makePipeline("reexported").step("a", () => 1);
        export const impostor = pipeline("impostor").step("a", () => 1);
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.documents.map((document) => document.value.name)).toEqual(["renamed", "namespaced", "reexported"]);
  });

  it("documents a chain that is not assigned, such as one passed inline as a sub-pipeline", () => {
    const analysis = analyzeSources({
      "flow.ts": `
        import { pipeline } from "stepgraph";
        export const outer = pipeline("outer").step("inner", pipeline("inner").step("x", () => 1).asStep((ctx) => 1));
      `,
    });
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.documents.map((document) => [document.value.name, document.binding])).toEqual([
      ["outer", "outer"],
      ["inner", undefined],
    ]);
  });
});
