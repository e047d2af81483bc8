/**
 * The plugin's hovers, through TypeScript 5.9's real language service: a
 * pipeline shows its name-level facts instead of its type's internals, and
 * everything else keeps TypeScript's own hover.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { pipelineQuickInfo } from "../../src/ts-plugin/hover.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** In-memory files live here, so that `../../src/index.js` resolves to the library's source. */
const dir = join(root, "test/ts-plugin/virtual");
const CURSOR = "/*|*/";

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
};

/** A language service over `files` (name → source, one of them with a cursor), and the hover at that cursor: TypeScript's own and the plugin's. */
const hoverAt = (files: Record<string, string>) => {
  const texts = new Map<string, string>();
  let at: { file: string; position: number } | undefined;
  for (const [name, source] of Object.entries(files)) {
    const file = join(dir, name);
    const position = source.indexOf(CURSOR);
    if (position >= 0) at = { file, position };
    texts.set(file, source.replace(CURSOR, ""));
  }
  if (at === undefined) throw new Error("no cursor in the sources");
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [...texts.keys()],
    getScriptVersion: () => "1",
    getScriptSnapshot: (file) => {
      const text = texts.get(file) ?? ts.sys.readFile(file);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (settings) => ts.getDefaultLibFilePath(settings),
    fileExists: (file) => texts.has(file) || ts.sys.fileExists(file),
    readFile: (file) => texts.get(file) ?? ts.sys.readFile(file),
    readDirectory: ts.sys.readDirectory,
    directoryExists: (path) => path === dir || ts.sys.directoryExists(path),
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  const program = service.getProgram()!;
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file !== undefined && texts.has(d.file.fileName));
  expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  const prior = service.getQuickInfoAtPosition(at.file, at.position);
  const info = pipelineQuickInfo(ts, program, at.file, at.position, prior);
  return {
    typescript: ts.displayPartsToString(prior?.displayParts ?? []),
    plugin: info === undefined ? undefined : ts.displayPartsToString(info.displayParts),
    kept: info === undefined || (info.textSpan.start === prior?.textSpan.start && info.documentation === prior?.documentation),
  };
};

const head = `import { Effect, Context } from "effect";
import { z } from "zod";
import { pipeline } from "../../../src/index.js";
`;
const steps = (count: number) =>
  Array.from({ length: count }, (_, i) => `\n  .step("s${i}", { after: ["extract"] }, (ctx) => ({ n${i}: ctx.dep("extract").entities.length }))`).join("");

const internals = /Entry<|OutputIndex|\[unknown|~flow/;

describe("hovering a pipeline", () => {
  it("shows its name, input, output and step ids instead of the accumulated Entry map", () => {
    const hover = hoverAt({
      "long.ts": `${head}
export const /*|*/p = pipeline("doc", { input: z.object({ document: z.string() }) })
  .step("extract", (ctx) => ({ entities: ctx.input.document.split(" ") }))${steps(10)};
`,
    });
    expect(hover.typescript).toMatch(internals);
    expect(hover.plugin).toBe(
      [
        `const p: pipeline "doc", 11 steps`,
        `  input:    { document: string; }`,
        `  output:   { n9: number; }`,
        `  steps:    extract, s0, s1, s2, s3, … and 6 more (last: s9)`,
      ].join("\n"),
    );
    expect(hover.kept).toBe(true);
  });

  it("stays a few hundred characters for 150 steps", () => {
    const hover = hoverAt({
      "huge.ts": `${head}
export const /*|*/p = pipeline("doc", { input: z.object({ document: z.string() }) })
  .step("extract", (ctx) => ({ entities: ctx.input.document.split(" ") }))${steps(150)};
`,
    });
    expect(hover.plugin!.length).toBeLessThan(300);
    expect(hover.plugin).toContain("151 steps");
    expect(hover.plugin).not.toMatch(internals);
  });

  it("lists short pipelines' ids in full, and their services, Effect requirements and stop payloads", () => {
    const hover = hoverAt({
      "facts.ts": `${head}
class Db extends Context.Service<Db, { readonly find: (id: string) => Effect.Effect<string> }>()("Db") {}
const base = pipeline("orders", { input: z.object({ id: z.string() }) })
  .withServices<{ user: { name: string } }>()
  .step("row", (ctx) => Effect.gen(function* () { return yield* (yield* Db).find(ctx.input.id); }))
  .step("check", { after: ["row"] }, (ctx) => (ctx.dep("row") === "" ? ctx.stop({ reason: "empty" }) : ctx.dep("row").length));
export const /*|*/configured = base.configure({ steps: { row: { retries: 2 } } });
`,
    });
    expect(hover.plugin).toBe(
      [
        `const configured: pipeline "orders", 2 steps`,
        `  input:    { id: string; }`,
        `  output:   number`,
        `  steps:    row, check`,
        `  services: { user: { name: string; }; }`,
        `  requires: Db (give run a layer or runtime)`,
        `  stops:    { readonly reason: "empty"; }`,
      ].join("\n"),
    );
  });

  it("finds the name of a pipeline built in another file", () => {
    const hover = hoverAt({
      "built.ts": `${head}
export const doc = pipeline("doc").step("a", () => 1).step("b", { after: ["a"] }, (ctx) => String(ctx.dep("a")));
`,
      "used.ts": `import { doc } from "./built.js";
export const /*|*/again = doc;
`,
    });
    expect(hover.plugin?.split("\n")[0]).toBe(`const again: pipeline "doc", 2 steps`);
  });

  it("shows a .step call as the step it adds, its output and the count after it", () => {
    const hover = hoverAt({
      "step.ts": `${head}
const doc = pipeline("doc").step("extract", () => ({ entities: ["a"] }));
export const p = doc./*|*/step("count", { after: ["extract"] }, (ctx) => ctx.dep("extract").entities.length);
`,
    });
    expect(hover.typescript).toMatch(internals);
    expect(hover.typescript.length).toBeGreaterThan(500);
    expect(hover.plugin).toBe([`(method) pipeline "doc".step(id, options?, run): adds step "count"`, `output:   number`, `then:     2 steps`].join("\n"));
  });

  it("shows another builder method returning a pipeline with that pipeline's facts", () => {
    const hover = hoverAt({
      "configure.ts": `${head}
const doc = pipeline("doc").step("extract", () => ({ entities: ["a"] }));
export const p = doc./*|*/configure({ steps: { extract: { retries: 1 } } });
`,
    });
    expect(hover.plugin?.split("\n")[0]).toBe(`(method) pipeline "doc".configure(…): a pipeline`);
    expect(hover.plugin).not.toMatch(internals);
  });

  it("leaves every other hover to TypeScript", () => {
    const hover = hoverAt({
      "other.ts": `${head}
const doc = pipeline("doc").step("extract", () => ({ entities: ["a"] }));
export const /*|*/count = doc.name.length;
`,
    });
    expect(hover.plugin).toBeUndefined();
    expect(hover.typescript).toBe("const count: number");
  });
});
