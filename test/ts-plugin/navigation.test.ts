import { describe, expect, it } from "vitest";
import { createProject } from "./harness.js";

/**
 * Two pipelines with a step "extract" in one file, a third in another, and
 * uses of the first in both files. Every use is marked with the pipeline it
 * belongs to: `docs`, `other`, `third` (the declaration as `<pipeline>.def`).
 */
const sources = {
  "pipelines.ts": `import { agent, pipeline, router } from "../../../src/index.js";

const enrich = pipeline<{ text: string }>("enrich").step("tags", (ctx) => ctx.input.text.split(" "));
const writer = agent({ model: "gpt-4o-mini" });

export const docs = pipeline<{ text: string }>("docs")
  .step(/*@docs.def*/"extract", (ctx) => ({ entities: ctx.input.text.split(" ") }))
  .step("classify", { after: [/*@docs.after*/"extract"] }, (ctx) => ctx.dep(/*@docs.dep*/"extract").entities.length)
  .step("maybe", { after: [/*@docs*/"extract"], when: (ctx) => ctx.dep(/*@docs.when*/"extract").entities.length > 1 }, () => "yes")
  .step("report", { after: [/*@docs*/"extract", "maybe"] }, ({ dep, depOrUndefined }) => \`\${dep(/*@docs.destructured*/"extract").entities.join()} \${depOrUndefined("maybe") ?? ""}\`)
  .step("enriched", { after: [/*@docs*/"extract"] }, enrich.asStep((ctx) => ({ text: ctx.dep(/*@docs.asStep*/"extract").entities.join(" ") })))
  .step("written", { after: [/*@docs*/"extract", "maybe"] }, writer.asStep((ctx) => \`\${ctx.dep(/*@docs*/"extract").entities} \${ctx.depOrUndefined(/*@maybe.optional*/"maybe")}\`));

export const other = pipeline<{ text: string }>("other")
  .step(/*@other.def*/"extract", (ctx) => ctx.input.text.toUpperCase())
  .step("count", { after: [/*@other.after*/"extract"] }, (ctx) => ctx.dep(/*@other.dep*/"extract").length);

export const configured = docs.configure({ steps: { /*@docs.configure*/extract: { retries: 1 }, classify: { retries: 2 } } });
const result = await docs.run({ text: "a b" }, { steps: { /*@docs.runOption*/"extract": { timeout: "1 second" } } });
export const entities: string[] = result.outputs./*@docs.outputs*/extract.entities;
export const same = result.outputs[/*@docs.element*/"extract"];
export const usage = result.usage.byStep./*@docs.byStep*/extract;
export const timing = result.timing.steps./*@docs.timing*/extract;
const otherResult = await other.run({ text: "x" }, { steps: { /*@other.runOption*/extract: { retries: 1 } } });
export const shouted: string = otherResult.outputs./*@other.outputs*/extract;
const { /*@docs.shorthand*/extract, classify: count } = result.outputs;
const { /*@other.binding*/extract: loud } = otherResult.outputs;
export const bound = [extract.entities, count, loud.length];
export const unrelated = { steps: { extract: 1 }, after: ["extract"] };
const pick = router("pick", { routes: { docs, other }, route: (input) => (input.text.length > 3 ? "docs" : "other") });
const routed = await pick.run({ text: "a b c d" });
export const routedWords = routed.route === "docs" ? routed.outputs./*@docs.routed*/extract.entities : routed.outputs./*@other.routed*/extract;
`,
  "uses.ts": `import { pipeline } from "../../../src/index.js";
import { docs, other, configured } from "./pipelines.js";

export const third = pipeline("third").step(/*@third.def*/"extract", () => 1).step("next", { after: [/*@third*/"extract"] }, (ctx) => ctx.dep(/*@third*/"extract") + 1);

await docs.runMany([{ text: "x" }], { steps: { /*@docs.runMany*/extract: { retries: 2 } } });
const result = await configured.configure({ steps: { /*@docs.crossConfigure*/extract: {} } }).run({ text: "y" });
export const fromOtherFile = result.outputs./*@docs.crossOutputs*/extract;
export const show = (run: Awaited<ReturnType<typeof docs.run>>) => run.outputs./*@docs.byType*/extract;
const make = () => other;
export const made = make().configure({ steps: { /*@other.factory*/extract: {} } });
export const effect = docs.toEffect({ text: "z" }, { steps: { /*@docs.toEffect*/extract: {} } });
`,
};

describe("stepgraph/ts-plugin on TypeScript's language service", { timeout: 180_000 }, () => {
  const project = createProject(sources);

  it("compiles the fixture as it is (so every position is a real use)", () => {
    expect(project.errors()).toEqual([]);
  });

  const positions = (pipeline: string) => project.marks.filter((mark) => mark.label === pipeline || mark.label.startsWith(`${pipeline}.`));

  it.each(["docs", "other", "third"])("goes from every use of %s's extract to its .step literal, and only there", (pipeline) => {
    const declaration = project.spansOf(`${pipeline}.def`);
    expect(declaration).toHaveLength(1);
    for (const mark of positions(pipeline)) expect({ at: mark.label, definitions: project.definitions(mark) }).toEqual({ at: mark.label, definitions: declaration });
  });

  it.each(["docs", "other", "third"])("finds the references of %s's extract from any of its uses: exactly that pipeline's, in both files", (pipeline) => {
    const expected = project.spansOf(pipeline);
    for (const mark of positions(pipeline)) {
      expect({ at: mark.label, references: project.references(mark) }).toEqual({ at: mark.label, references: expected });
      expect({ at: mark.label, renames: project.renames(mark) }).toEqual({ at: mark.label, renames: expected });
    }
  });

  it("offers rename with the step's own name and the pipeline's", () => {
    const info = project.service.getRenameInfo(project.at("docs.dep").file, project.at("docs.dep").position, {});
    expect(info).toMatchObject({ canRename: true, displayName: "extract", fullDisplayName: "docs.extract" });
  });

  it("reads ctx.depOrUndefined of a step with a when condition", () => {
    expect(project.definitions(project.at("maybe.optional"))).toHaveLength(1);
    expect(project.references(project.at("maybe.optional")).length).toBe(5); // .step, two after, depOrUndefined twice
  });

  it("leaves strings that are not step ids to TypeScript", () => {
    const file = project.fileOf("pipelines.ts");
    const text = project.textOf(file);
    const unrelated = text.indexOf(`after: ["extract"] };`) + `after: ["`.length;
    expect(project.service.getDefinitionAndBoundSpan(file, unrelated)).toEqual(project.base.getDefinitionAndBoundSpan(file, unrelated));
    const identifier = text.indexOf("docs.configure");
    expect(project.service.getDefinitionAndBoundSpan(file, identifier)).toEqual(project.base.getDefinitionAndBoundSpan(file, identifier));
    // Hovers are TypeScript's too, except on a pipeline, where they show its facts (test/ts-plugin/hover.test.ts).
    const other = text.indexOf("unrelated");
    expect(project.service.getQuickInfoAtPosition(file, other)).toEqual(project.base.getQuickInfoAtPosition(file, other));
    const hover = project.service.getQuickInfoAtPosition(file, identifier);
    expect(hover?.displayParts?.map((part) => part.text).join("")).toMatch(/^const docs: pipeline "docs", 6 steps\n/);
    expect(hover?.textSpan).toEqual(project.base.getQuickInfoAtPosition(file, identifier)?.textSpan);
  });
});

describe("renaming a step id with stepgraph/ts-plugin", { timeout: 180_000 }, () => {
  it.each(["docs", "other", "third"])("edits exactly %s's uses, and the project still compiles", (pipeline) => {
    const project = createProject(sources);
    expect(project.renames(project.at(`${pipeline}.def`))).toEqual(project.spansOf(pipeline));
    // A new name of the same length, so that the markers' positions still hold after the edit.
    project.rename(project.at(`${pipeline}.def`), "extrakt");
    expect(project.errors()).toEqual([]);
    for (const mark of project.marks.filter((m) => m.label !== `maybe.optional`)) {
      const renamed = mark.label === pipeline || mark.label.startsWith(`${pipeline}.`);
      const at = project.moved(mark);
      expect({ at: mark.label, text: project.textOf(mark.file).slice(at, at + 7) }).toEqual({ at: mark.label, text: renamed ? "extrakt" : "extract" });
    }
    expect(project.textOf(project.fileOf("pipelines.ts"))).toContain(`export const unrelated = { steps: { extract: 1 }, after: ["extract"] };`);
    // A shorthand binding keeps its variable: `const { extrakt: extract, … } = result.outputs`.
    if (pipeline === "docs") expect(project.textOf(project.fileOf("pipelines.ts"))).toContain(`const { extrakt: extract, classify: count } = result.outputs;`);
  });

  it("renames from a use as well as from the declaration", () => {
    const project = createProject(sources);
    expect(project.renames(project.at("docs.crossOutputs"))).toEqual(project.spansOf("docs"));
  });

  it("without the plugin, TypeScript renames every \"extract\" string (the behaviour the plugin replaces)", () => {
    const project = createProject(sources, { plugin: false });
    const locations = project.service.findRenameLocations(project.at("docs.def").file, project.at("docs.def").position, false, false, {}) ?? [];
    expect(locations.length).not.toBe(project.spansOf("docs").length);
  });
});

describe("stepgraph/ts-plugin fails safe", { timeout: 180_000 }, () => {
  it("logs an error of its own and answers with TypeScript's answer", async () => {
    const project = createProject(sources);
    const mark = project.at("docs.dep");
    const expected = project.base.getDefinitionAndBoundSpan(mark.file, mark.position);
    const { default: init } = await import("../../src/ts-plugin/index.js");
    const ts = (await import("typescript")).default;
    const broken = { ...project.base, getProgram: () => { throw new Error("broken program"); } };
    const logged: string[] = [];
    const service = init({ typescript: ts }).create({
      languageService: broken,
      project: { projectService: { logger: { info: (message: string) => logged.push(message) } } },
    } as unknown as Parameters<ReturnType<typeof init>["create"]>[0]);
    expect(service.getDefinitionAndBoundSpan(mark.file, mark.position)).toEqual(expected);
    expect(logged.join("\n")).toMatch(/\[stepgraph\/ts-plugin\] getDefinitionAndBoundSpan failed, answering with TypeScript's own: Error: broken program/);
  });
});
