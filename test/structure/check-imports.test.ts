import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { checkImports, findProblems, formatReport } from "../../scripts/check-imports.mjs";

const SCRIPT = fileURLToPath(new URL("../../scripts/check-imports.mjs", import.meta.url));

const roots: string[] = [];

/** Writes `files` (root-relative path -> source) into a new temporary directory and returns it. */
const fixture = (files: Record<string, string>): string => {
  const root = mkdtempSync(join(tmpdir(), "check-imports-"));
  roots.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
};

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Runs the script as `npm run test:structure` does; returns its exit code and output. */
const runScript = (root: string): { status: number; output: string } => {
  try {
    const stdout = execFileSync(process.execPath, [SCRIPT, root], { encoding: "utf8", stdio: "pipe" });
    return { status: 0, output: stdout };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { status: failed.status, output: failed.stdout + failed.stderr };
  }
};

describe("check-imports", () => {
  it("reports a two-file cycle, even through a type-only import", () => {
    const root = fixture({
      "src/runtime/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "src/runtime/b.ts": 'import type { A } from "./a.js";\nexport const b = 1;\nexport type B = A;\n',
      "src/runtime/c.ts": 'export * from "./a.js";\n',
    });
    const problems = checkImports(root);
    expect(problems.cycles).toEqual([["src/runtime/a.ts", "src/runtime/b.ts", "src/runtime/a.ts"]]);
    expect(problems.violations).toEqual([]);

    const { status, output } = runScript(root);
    expect(status).toBe(1);
    expect(output).toContain("src/runtime/a.ts -> src/runtime/b.ts -> src/runtime/a.ts");
  });

  it("reports src/runtime importing src/agents, with the file and line", () => {
    const root = fixture({
      "src/agents/agent.ts": 'export const agent = () => "agent";\n',
      "src/runtime/run.ts": 'export const run = 1;\nexport const load = () => import("../agents/agent.js");\n',
    });
    const problems = checkImports(root);
    expect(problems.cycles).toEqual([]);
    expect(problems.violations).toEqual([
      {
        file: "src/runtime/run.ts",
        line: 2,
        specifier: "../agents/agent.js",
        target: "src/agents/agent.ts",
        fromLayer: "runtime",
        toLayer: "agents",
      },
    ]);
    expect(formatReport(problems).text).toContain("src/runtime/run.ts:2 (runtime) imports src/agents/agent.ts (agents)");
    expect(runScript(root).status).toBe(1);
  });

  it("passes a clean tree whose imports all go down the layers", () => {
    const root = fixture({
      "src/index.ts": 'export { pipeline } from "./builder/index.js";\nexport type { Graph } from "./graph/graph.js";\n',
      "src/builder/index.ts": 'import { route } from "../flow/route.js";\nexport const pipeline = () => route;\n',
      "src/flow/route.ts": 'import { agent } from "../agents/agent.js";\nexport const route = agent;\n',
      "src/agents/agent.ts": 'import { run } from "../runtime/run.js";\nexport const agent = run;\n',
      "src/runtime/run.ts": 'import type { Graph } from "../graph/graph.js";\nimport { z } from "zod";\nexport const run = (graph?: Graph) => z ?? graph;\n',
      "src/graph/graph.ts": 'import type { Schema } from "../schema/schema.js";\nexport type Graph = { readonly input?: Schema };\n',
      "src/schema/schema.ts": "export type Schema = unknown;\n",
      "src/testing/index.ts": 'export { serve } from "./server.js";\n',
      "src/testing/server.ts": 'import { createServer } from "node:http";\nexport const serve = createServer;\n',
      "codegen/cli.ts": 'import type { Graph } from "../src/graph/graph.js";\nexport type Docs = Graph;\n',
    });
    const problems = checkImports(root);
    expect(problems).toEqual({ files: 10, cycles: [], violations: [], unresolved: [], unknownLayers: [] });
    expect(formatReport(problems)).toEqual({
      ok: true,
      text: "imports: 10 files in src/ and codegen/, no cycles, every import goes down the layers",
    });
    expect(runScript(root)).toEqual({ status: 0, output: "imports: 10 files in src/ and codegen/, no cycles, every import goes down the layers\n" });
  });

  it("keeps src/testing and codegen apart, and rejects folders not in the layer table", () => {
    const problems = findProblems(
      new Map([
        ["src/runtime/run.ts", "export const run = 1;\n"],
        ["src/graph/graph.ts", "export type Graph = unknown;\n"],
        ["src/testing/server.ts", 'export { run } from "../runtime/run.js";\n'],
        ["codegen/docs.ts", 'import { run } from "../src/runtime/run.js";\nimport type { Graph } from "../src/graph/graph.js";\nexport type Doc = Graph | typeof run;\n'],
        ["src/cache/store.ts", 'export { run } from "../runtime/run.js";\n'],
        ["src/runtime/broken.ts", 'export * from "./missing.js";\n'],
      ]),
    );
    expect(problems.violations.map(({ file, fromLayer, toLayer }) => `${file} (${fromLayer}) -> ${toLayer}`)).toEqual([
      "codegen/docs.ts (codegen) -> runtime",
      "src/testing/server.ts (testing) -> runtime",
    ]);
    expect(problems.unknownLayers).toEqual([{ folder: "src/cache/", files: ["src/cache/store.ts"] }]);
    expect(problems.unresolved.map(({ file, specifier }) => `${file}: ${specifier}`)).toEqual(["src/runtime/broken.ts: ./missing.js"]);
  });
});
