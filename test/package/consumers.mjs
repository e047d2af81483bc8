// The consumer projects of the package check (check.mjs): each is a fresh
// project, written from the README alone, that installs the packed tarball and
// its peers, type-checks with its own TypeScript where it is TypeScript, and
// runs a pipeline with agents against the local server from stepgraph/testing.
//
// The sources are kept here as text, not as .ts files under test/, so that the
// repository's own type-check (which includes test/) never sees them: they
// import "stepgraph" as a user does, from the installed tarball.

import { readFileSync } from "node:fs";

/**
 * stepgraph/ts-plugin in the consumer's own tsserver: resolved the way
 * tsserver resolves a plugin (the node10 rules, without \`exports\`) and
 * through \`exports\`, then loaded by tsserver from the project's node_modules
 * as tsconfig.json names it, answering a definition and a rename of the quick
 * start's "extract" that leaves the other pipeline's "extract" (agents.ts) alone.
 */
const tsPluginCheck = `import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { startTsserver, tsserverIn } from "./tsserver.mjs";

const here = process.cwd();
const require = createRequire(join(here, "package.json"));
const ts = require("typescript");
const resolved = ts.resolveJSModule("stepgraph/ts-plugin", join(here, "node_modules"), ts.sys);
assert.equal(typeof require(resolved), "function", "stepgraph/ts-plugin, resolved as tsserver does (" + resolved + "), exports the factory");
assert.equal(require("stepgraph/ts-plugin"), require(resolved), "require('stepgraph/ts-plugin') through exports is the same module");
assert.equal(typeof require(resolved)({ typescript: ts }).create, "function", "the factory returns a plugin with create");

const file = join(here, "src", "quickstart.ts");
const text = readFileSync(file, "utf8");
const declaration = text.indexOf('.step("extract"') + '.step("'.length;
const use = text.indexOf('ctx.dep("extract")') + 'ctx.dep("'.length;
const logFile = join(here, "tsserver.log");
const server = await startTsserver({ tsserver: tsserverIn(here), cwd: here, logFile });
try {
  await server.open(file);
  assert.deepEqual(await server.definition(file, use), [file + ":" + declaration + ":extract"], "go to definition on the quick start's ctx.dep of extract");
  const rename = await server.rename(file, declaration);
  assert.equal(rename.fullDisplayName, "doc.extract");
  assert.equal(rename.locations.length, 5, "rename edits the 5 uses of the quick start's extract: " + rename.locations.join(", "));
  for (const location of rename.locations) assert.ok(location.startsWith(file + ":") && location.endsWith(":extract"), location);
  assert.match(readFileSync(logFile, "utf8"), /Enabling plugin stepgraph\\/ts-plugin[\\s\\S]*Plugin validation succeeded/);
} finally {
  await server.close();
}
console.log("ts-plugin ok: loaded by tsserver " + ts.version + ", definition and rename of a step id");
`;

/** The README's Quick start, as written there, plus checks of what it says. */
const quickStart = `import { Effect } from "effect";
import { z } from "zod";
import { pipeline } from "stepgraph";

const p = pipeline("doc", { input: z.object({ document: z.string() }) })
  .step("extract", async (ctx) => ({ entities: ctx.input.document.split(" ") }))
  .step("classify", { after: ["extract"] }, async (ctx) =>
    ctx.dep("extract").entities.length > 3 ? ("long" as const) : ("short" as const))
  .step("report", { after: ["extract", "classify"], timeout: "5 seconds", retries: 2 }, (ctx) =>
    Effect.succeed(\`\${ctx.dep("classify")}: \${ctx.dep("extract").entities.join(", ")}\`));

const result = await p.run({ document: "Apple announced a new chip" });
const output: string = result.output;
const classify: "long" | "short" = result.outputs.classify;
if (output !== "long: Apple, announced, a, new, chip" || classify !== "long" || result.usage.calls !== 0) {
  throw new Error("quick start: unexpected result " + JSON.stringify({ output, classify, usage: result.usage }));
}
console.log("quick start ok: " + output);
`;

/**
 * A pipeline with agents, as the README's "With agents" and "Agents, cost and
 * budgets" sections describe: structured output, a tool, an Effect step, a
 * cost budget (so the tokenizer is loaded for the reservation) and exact cost.
 */
const agentsTs = `import assert from "node:assert/strict";
import { Effect } from "effect";
import OpenAI from "openai";
import { z } from "zod";
import { AgentConfigError, agent, pipeline, tool } from "stepgraph";
import { startMockOpenAI } from "stepgraph/testing";
import { otlp, type OtlpTelemetry } from "stepgraph/telemetry";

// stepgraph/telemetry's declarations resolve, and its telemetry is what a run's option takes.
const tracedRun = (telemetry: OtlpTelemetry) => pipeline("traced").step("a", () => 1).run(undefined, { telemetry });
assert.equal(typeof otlp, "function");
assert.equal(typeof tracedRun, "function");

const server = await startMockOpenAI();
try {
  const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
  const extractor = agent({
    model: "openai:gpt-4o-mini",
    system: "Extract the named entities (people, companies, places, products) from the text.",
    output: z.object({ entities: z.array(z.string()) }),
    maxTokens: 300,
  });
  const headquarters = tool({
    description: "Where a company is based",
    parameters: z.object({ company: z.string() }),
    execute: async ({ company }) => (company === "Apple" ? "Cupertino" : "unknown"),
  });
  const writer = agent({ model: "gpt-4o-mini", system: "Write a one-line report.", tools: { headquarters }, maxTokens: 100 });
  const documentPipeline = pipeline("document_report", { input: z.object({ document: z.string().min(1) }), client, costBudget: 0.05 })
    .step("extract", { timeout: "20 seconds", retries: 2 }, extractor.asStep((ctx) => "Extract: " + ctx.input.document))
    .step("count", { after: ["extract"] }, (ctx) => Effect.succeed(ctx.dep("extract").entities.length))
    .step("report", { after: ["extract", "count"] }, writer.asStep((ctx) => "Report on: " + ctx.dep("extract").entities.join(", ")));

  server.script(
    { json: { entities: ["Apple", "M5"] }, usage: { inputTokens: 120, outputTokens: 8 } },
    { toolCalls: [{ name: "headquarters", arguments: { company: "Apple" } }], usage: { inputTokens: 90, outputTokens: 12 } },
    { content: "Apple (Cupertino) announced the M5.", usage: { inputTokens: 110, outputTokens: 9 } },
  );
  const result = await documentPipeline.run({ document: "Apple announced the M5 chip" });
  const entities: string[] = result.outputs.extract.entities;
  const count: number = result.outputs.count;
  const report: string = result.output;
  assert.deepEqual(entities, ["Apple", "M5"], "structured output");
  assert.equal(count, 2, "an Effect returned by a step is run (one effect for the project and stepgraph)");
  assert.equal(report, "Apple (Cupertino) announced the M5.", "the tool-call loop");
  assert.equal(result.usage.calls, 3, "every model call is accounted");
  assert.equal(result.usage.costNanoUsd, (120 + 90 + 110) * 150 + (8 + 12 + 9) * 600, "exact cost at gpt-4o-mini's prices");
  assert.equal(result.usage.byStep["report"]?.calls, 2, "usage by step");
  assert.throws(
    () => agent({ model: "gpt-4o-mini", output: { _def: { typeName: "ZodObject" } } as never }),
    (error: unknown) => error instanceof AgentConfigError && /must be a zod 4 schema/.test(error.message),
    "a zod 3 schema is refused at agent()",
  );
  // Never called: it only has to fail to compile.
  const misspeltStepIsATypeError = () =>
    // @ts-expect-error "extrac" is not a step of the pipeline
    documentPipeline.configure({ steps: { extrac: { retries: 1 } } });
  void misspeltStepIsATypeError;
  console.log("agents ok: " + report);
} finally {
  await server.close();
}
`;

/** The same pipeline with agents, in CommonJS JavaScript. */
const agentsCjs = `const assert = require("node:assert/strict");
const { Effect } = require("effect");
const { OpenAI } = require("openai");
const { z } = require("zod");
const { agent, pipeline, tool } = require("stepgraph");
const { startMockOpenAI } = require("stepgraph/testing");

async function main() {
  const server = await startMockOpenAI();
  try {
    const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
    const extractor = agent({
      model: "openai:gpt-4o-mini",
      output: z.object({ entities: z.array(z.string()) }),
      maxTokens: 300,
    });
    const headquarters = tool({
      description: "Where a company is based",
      parameters: z.object({ company: z.string() }),
      execute: async ({ company }) => (company === "Apple" ? "Cupertino" : "unknown"),
    });
    const writer = agent({ model: "gpt-4o-mini", tools: { headquarters }, maxTokens: 100 });
    const documentPipeline = pipeline("document_report", { input: z.object({ document: z.string().min(1) }), client, costBudget: 0.05 })
      .step("extract", { retries: 2 }, extractor.asStep((ctx) => "Extract: " + ctx.input.document))
      .step("count", { after: ["extract"] }, (ctx) => Effect.succeed(ctx.dep("extract").entities.length))
      .step("report", { after: ["extract", "count"] }, writer.asStep((ctx) => "Report on: " + ctx.dep("extract").entities.join(", ")));
    server.script(
      { json: { entities: ["Apple", "M5"] }, usage: { inputTokens: 120, outputTokens: 8 } },
      { toolCalls: [{ name: "headquarters", arguments: { company: "Apple" } }], usage: { inputTokens: 90, outputTokens: 12 } },
      { content: "Apple (Cupertino) announced the M5.", usage: { inputTokens: 110, outputTokens: 9 } },
    );
    const result = await documentPipeline.run({ document: "Apple announced the M5 chip" });
    assert.deepEqual(result.outputs.extract.entities, ["Apple", "M5"], "structured output");
    assert.equal(result.outputs.count, 2, "an Effect returned by a step is run (one effect for the project and stepgraph)");
    assert.equal(result.output, "Apple (Cupertino) announced the M5.", "the tool-call loop");
    assert.equal(result.usage.calls, 3, "every model call is accounted");
    assert.equal(result.usage.costNanoUsd, (120 + 90 + 110) * 150 + (8 + 12 + 9) * 600, "exact cost");
    console.log("agents ok: " + result.output);
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** The peers at this repository's versions, and what a consumer type-checks and bundles with. */
const withToolchain = (v) => [
  `effect@${v.effect}`,
  `zod@${v.zod}`,
  `openai@${v.openai}`,
  `typescript@${v.typescript}`,
  `@types/node@${v["@types/node"]}`,
  `esbuild@${v.esbuild}`,
];

/** The quick start in CommonJS JavaScript, as the README's CommonJS section writes it. */
const quickStartCjs = `const { Effect } = require("effect");
const { z } = require("zod");
const { pipeline } = require("stepgraph");

const p = pipeline("doc", { input: z.object({ document: z.string() }) })
  .step("extract", async (ctx) => ({ entities: ctx.input.document.split(" ") }))
  .step("classify", { after: ["extract"] }, async (ctx) => (ctx.dep("extract").entities.length > 3 ? "long" : "short"))
  .step("report", { after: ["extract", "classify"], timeout: "5 seconds", retries: 2 }, (ctx) =>
    Effect.succeed(\`\${ctx.dep("classify")}: \${ctx.dep("extract").entities.join(", ")}\`));

p.run({ document: "Apple announced a new chip" }).then((result) => {
  if (result.output !== "long: Apple, announced, a, new, chip") throw new Error("quick start: unexpected output " + result.output);
  console.log("quick start ok: " + result.output);
});
`;

/** esbuild, bundling `entry` for Node into bundle/<name>, minified as it would be shipped, with a metafile the check reads. */
const bundle = (entry, name, format) => ({
  what: `esbuild bundle of ${entry} (${format}, minified)`,
  command: "node_modules/.bin/esbuild",
  args: [entry, "--bundle", "--minify", "--platform=node", `--format=${format}`, `--outfile=bundle/${name}`, `--metafile=bundle/${name}.meta.json`, "--log-level=warning"],
  bundle: name,
});

/** CommonJS TypeScript: what `index.d.cts` must type-check under, `module: node16` with `skipLibCheck: false`. */
const typesCts = `import { agent, pipeline, type PipelineResult } from "stepgraph";
import { startMockOpenAI } from "stepgraph/testing";
import { z } from "zod";

const p = pipeline("double", { input: z.object({ n: z.number() }) }).step("double", (ctx) => ctx.input.n * 2);
export const doubled: Promise<number> = p.run({ n: 2 }).then((result) => result.output);
export const extractor = agent({ model: "gpt-4o-mini", output: z.object({ entities: z.array(z.string()) }) });
export const start: typeof startMockOpenAI = startMockOpenAI;
export type Result = PipelineResult<unknown, unknown>;
`;

const strict = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
};

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * @typedef {{ what: string, command: string, args: string[], expect?: RegExp, bundle?: string }} ConsumerStep
 * @typedef {{
 *   name: string,
 *   packages: (versions: Record<string, string>, lowest: Record<string, string>) => string[],
 *   files: Record<string, string>,
 *   steps: ConsumerStep[],
 *   isolated?: { what: string, file: string, expect: RegExp }[],
 * }} Consumer
 */

/** @type {Consumer[]} */
export const consumers = [
  {
    name: "ESM TypeScript (module nodenext)",
    packages: (v) => [`effect@${v.effect}`, `zod@${v.zod}`, `openai@${v.openai}`, `typescript@${v.typescript}`, `@types/node@${v["@types/node"]}`],
    files: {
      "package.json": json({ name: "consumer-esm", private: true, type: "module" }),
      "tsconfig.json": json({
        compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", ...strict, types: ["node"], rootDir: "src", outDir: "out", plugins: [{ name: "stepgraph/ts-plugin" }] },
        include: ["src"],
      }),
      "src/quickstart.ts": quickStart,
      "src/agents.ts": agentsTs,
      // stepgraph/ts-plugin's declarations, as its TSDoc example uses them.
      "src/plugin-types.ts": `import ts from "typescript";\nimport init from "stepgraph/ts-plugin";\n\nexport const plugin: ts.server.PluginModule = init({ typescript: ts });\n`,
      "ts-plugin-check.mjs": tsPluginCheck,
      "tsserver.mjs": readFileSync(new URL("../../type-tests/editor/tsserver.mjs", import.meta.url), "utf8"),
      "framing.mjs": readFileSync(new URL("../../type-tests/editor/framing.mjs", import.meta.url), "utf8"),
    },
    steps: [
      { what: "tsc (nodenext, strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck: false)", command: "node_modules/.bin/tsc", args: ["-p", "."] },
      { what: "the quick start", command: "node", args: ["out/quickstart.js"], expect: /quick start ok/ },
      { what: "a pipeline with agents against the local server", command: "node", args: ["out/agents.js"], expect: /agents ok/ },
      { what: "stepgraph/ts-plugin in the project's tsserver (tsconfig.json plugins)", command: "node", args: ["ts-plugin-check.mjs"], expect: /ts-plugin ok/ },
    ],
  },
  {
    name: "CommonJS JavaScript (require)",
    packages: withToolchain,
    files: {
      "package.json": json({ name: "consumer-cjs", private: true, type: "commonjs" }),
      "quickstart.js": quickStartCjs,
      "index.js": agentsCjs,
      "types.cts": typesCts,
      "tsconfig.json": json({
        compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", ...strict, types: ["node"], noEmit: true },
        files: ["types.cts"],
      }),
    },
    steps: [
      { what: "the quick start, through require()", command: "node", args: ["quickstart.js"], expect: /quick start ok/ },
      { what: "a pipeline with agents against the local server, through require()", command: "node", args: ["index.js"], expect: /agents ok/ },
      { what: "tsc on index.d.cts (module node16, skipLibCheck: false; TS1479 if effect is imported without resolution-mode)", command: "node_modules/.bin/tsc", args: ["-p", "."] },
      bundle("quickstart.js", "quickstart.cjs", "cjs"),
      bundle("index.js", "agents.cjs", "cjs"),
      { what: "the bundled quick start", command: "node", args: ["bundle/quickstart.cjs"], expect: /quick start ok/ },
      { what: "the bundled pipeline with agents (the tokenizer loads from node_modules)", command: "node", args: ["bundle/agents.cjs"], expect: /agents ok/ },
    ],
    // The bundle alone, where no node_modules can be found: budget reservations fall back to counting bytes.
    isolated: [{ what: "the bundled pipeline with agents, run where gpt-tokenizer cannot be found", file: "bundle/agents.cjs", expect: /^(?=[\s\S]*gpt-tokenizer could not be loaded)(?=[\s\S]*agents ok)/ }],
  },
  {
    // The lowest versions the peer ranges in package.json admit: the ranges say what works.
    name: "CommonJS JavaScript at the lowest peer versions",
    packages: (_versions, lowest) => [`effect@${lowest.effect}`, `zod@${lowest.zod}`, `openai@${lowest.openai}`],
    files: {
      "package.json": json({ name: "consumer-lowest", private: true, type: "commonjs" }),
      "index.js": agentsCjs,
    },
    steps: [
      { what: "a pipeline with agents against the local server, on the lowest peer versions", command: "node", args: ["index.js"], expect: /agents ok/ },
    ],
  },
  {
    name: "TypeScript with bundler resolution (esbuild)",
    packages: withToolchain,
    files: {
      "package.json": json({ name: "consumer-bundler", private: true, type: "module" }),
      "tsconfig.json": json({
        compilerOptions: { target: "ES2022", module: "esnext", moduleResolution: "bundler", ...strict, types: ["node"], noEmit: true },
        include: ["src"],
      }),
      "src/quickstart.ts": quickStart,
      "src/agents.ts": agentsTs,
    },
    steps: [
      { what: "tsc (bundler, strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck: false)", command: "node_modules/.bin/tsc", args: ["-p", "."] },
      bundle("src/quickstart.ts", "quickstart.mjs", "esm"),
      bundle("src/agents.ts", "agents.mjs", "esm"),
      { what: "the bundled quick start", command: "node", args: ["bundle/quickstart.mjs"], expect: /quick start ok/ },
      { what: "the bundled pipeline with agents against the local server", command: "node", args: ["bundle/agents.mjs"], expect: /agents ok/ },
    ],
  },
];

/**
 * Projects on the previous major versions of the peers: npm must refuse them
 * (ERESOLVE, naming the peer) instead of installing a second effect or zod.
 * Only resolved (`--dry-run`), never installed.
 * @type {{ name: string, packages: (versions: Record<string, string>) => string[], expect: RegExp }[]}
 */
export const refusedProjects = [
  {
    name: "a project on effect 3",
    packages: (v) => ["effect@^3", `zod@${v.zod}`, `openai@${v.openai}`],
    expect: /ERESOLVE[\s\S]*peer effect@"\^4/,
  },
  {
    name: "a project on zod 3",
    packages: (v) => [`effect@${v.effect}`, "zod@^3.25", `openai@${v.openai}`],
    expect: /ERESOLVE[\s\S]*peer zod@"\^4/,
  },
];
