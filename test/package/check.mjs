// Checks the package as its users meet it (`npm run test:package`, part of `npm test`):
//
// 1. The manifest: engines, peers, LICENSE, prepack.
// 2. `npm pack` from a tree without dist/ (as a clean clone is) ships the build.
// 3. The built package loaded in place: ESM import and CJS require of both
//    entry points through its `exports` map, and the stepgraph bin.
// 4. Fresh consumer projects (ESM TypeScript with nodenext, CommonJS
//    JavaScript, the same on the lowest peer versions, TypeScript with
//    bundler resolution and esbuild) install the
//    tarball and its peers, type-check with their own TypeScript and run a
//    pipeline with agents against the local server; the quick start's bundle
//    stays small (no tokenizer); projects on effect 3 or zod 3 are refused.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { consumers, refusedProjects } from "./consumers.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(join(root, "package.json"));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`package check: ${message} [${elapsed()}]`);
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/**
 * What a minified esbuild bundle of the quick start (no agents, no budget) may
 * weigh. Before the tokenizer was kept out of it, the CommonJS one weighed
 * 5.5 MB, 3.7 MB of it gpt-tokenizer; the figures now are printed at the end.
 */
const QUICK_START_BUNDLE_LIMIT = { esm: 1.5 * 1024 * 1024, cjs: 2.5 * 1024 * 1024 };

/** Runs a command; resolves with its output, or rejects with an error saying who ran what and how it failed. */
const run = (who, what, command, args, { cwd, timeoutMs = 180_000, expectFailure = false } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${who}: ${what}: could not start ${command}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const output = `${stdout}${stderr}`.trim();
      const tail = output.length > 6000 ? `…${output.slice(-6000)}` : output;
      if (signal !== null) reject(new Error(`${who}: ${what}: killed (${signal}) after ${timeoutMs / 1000} s\n${tail}`));
      else if ((code === 0) === expectFailure) {
        reject(new Error(`${who}: ${what}: ${expectFailure ? "succeeded, but must fail" : `failed (exit code ${code})`}\n$ ${command} ${args.join(" ")}\n${tail}`));
      } else resolve({ stdout, stderr, output });
    });
  });

// ---------------------------------------------------------------------------
// 1. The manifest.

/** Whether `version` satisfies `range`, for the range forms engines uses here: `||`, `^x.y.z`, `>=x.y.z`, `<x.y.z`. */
const satisfies = (version, range) => {
  const parse = (text) => text.replace(/^v/, "").split(".").map((part) => Number(part || 0));
  const compare = (a, b) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const v = parse(version);
  return range.split("||").some((alternative) =>
    alternative.trim().split(/\s+/).every((comparator) => {
      const match = /^(\^|>=|<=|>|<|=)?(\d+(?:\.\d+){0,2})$/.exec(comparator);
      assert.ok(match, `package.json engines.node: cannot read the comparator "${comparator}" of "${range}"`);
      const [, operator = "=", bound] = match;
      const b = parse(bound);
      if (operator === "^") return compare(v, b) >= 0 && v[0] === b[0];
      if (operator === ">=") return compare(v, b) >= 0;
      if (operator === ">") return compare(v, b) > 0;
      if (operator === "<=") return compare(v, b) <= 0;
      if (operator === "<") return compare(v, b) < 0;
      return compare(v, b) === 0;
    }),
  );
};

const nodeRange = manifest.engines?.node;
assert.equal(typeof nodeRange, "string", "package.json: engines.node is set");
for (const name of ["effect", "zod", "openai"]) {
  assert.ok(manifest.peerDependencies?.[name], `package.json: ${name} is a peer dependency (one copy, the project's own)`);
  assert.equal(manifest.dependencies?.[name], undefined, `package.json: ${name} is a peer, not an ordinary dependency`);
  assert.ok(manifest.devDependencies?.[name], `package.json: ${name} is a devDependency too, so that npm ci installs it here`);
}
assert.match(manifest.peerDependencies.effect, /^\^4\./, "package.json: the effect peer range is effect 4");
assert.match(manifest.peerDependencies.zod, /^\^4\./, "package.json: the zod peer range is zod 4");
assert.ok(manifest.scripts?.prepack, "package.json: a prepack script builds the package, so npm pack and npm publish ship dist/");
assert.match(readFileSync(join(root, "LICENSE"), "utf8"), /^MIT License/, "LICENSE: the MIT license package.json names");
assert.equal(manifest.license, "MIT", "package.json: license");

// ---------------------------------------------------------------------------
// 2. npm pack from a tree without dist/, as a clean clone is: prepack must build it.

const work = mkdtempSync(join(tmpdir(), "stepgraph-package-"));
rmSync(join(root, "dist"), { recursive: true, force: true });
await run("npm pack", "pack from a tree without dist/", "npm", ["pack", "--pack-destination", work, "--loglevel=warn"], { cwd: root });
const tarballName = readdirSync(work).find((file) => file.endsWith(".tgz"));
assert.ok(tarballName, "npm pack: writes a tarball");
const tarball = join(work, tarballName);
const packed = new Set(execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean));
for (const file of [
  "package.json",
  "README.md",
  "LICENSE",
  "dist/index.js",
  "dist/index.cjs",
  "dist/index.d.ts",
  "dist/index.d.cts",
  "dist/testing/index.js",
  "dist/testing/index.cjs",
  "dist/testing/index.d.ts",
  "dist/testing/index.d.cts",
  "dist/telemetry/index.js",
  "dist/telemetry/index.cjs",
  "dist/telemetry/index.d.ts",
  "dist/telemetry/index.d.cts",
  "dist/durable/index.js",
  "dist/durable/index.cjs",
  "dist/durable/index.d.ts",
  "dist/durable/index.d.cts",
  "dist/cli.js",
  "dist/ts-plugin/index.cjs",
  "ts-plugin/package.json",
  "ts-plugin/index.js",
  "ts-plugin/index.d.ts",
]) {
  assert.ok(packed.has(`package/${file}`), `npm pack from a tree without dist/: the tarball has ${file} (prepack builds it)`);
}
for (const entry of packed) assert.doesNotMatch(entry, /^package\/(src|test|bench|codegen|examples)\//, `npm pack: ships no sources or tests (${entry})`);
log(`npm pack built and packed ${packed.size} files (${(statSync(tarball).size / 1024).toFixed(0)} kB)`);

// The CommonJS entry require()s ES-module-only packages, which Node can only do
// from 20.19 (and 22.12 on the 22 line): engines must not promise less.
const cjsRequires = [...readFileSync(join(root, "dist/index.cjs"), "utf8").matchAll(/require\(['"]([^'"]+)['"]\)/g)].map((match) => match[1]);
const isEsmFile = (file) => {
  if (file.endsWith(".mjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let directory = dirname(file); directory !== dirname(directory); directory = dirname(directory)) {
    const packageJson = join(directory, "package.json");
    if (existsSync(packageJson)) return JSON.parse(readFileSync(packageJson, "utf8")).type === "module";
  }
  return false;
};
const esmOnlyRequired = [...new Set(cjsRequires.filter((specifier) => !specifier.startsWith("node:") && isEsmFile(require.resolve(specifier))))];
if (esmOnlyRequired.length > 0) {
  for (const old of ["20.0.0", "20.18.3", "21.7.3", "22.11.0"]) {
    assert.ok(
      !satisfies(old, nodeRange),
      `package.json engines.node "${nodeRange}" allows Node ${old}, where dist/index.cjs fails with ERR_REQUIRE_ESM: it require()s ES modules (${esmOnlyRequired.join(", ")}), which Node supports from 20.19 and 22.12`,
    );
  }
}
for (const current of ["20.19.0", "22.12.0", "24.0.0"]) assert.ok(satisfies(current, nodeRange), `package.json engines.node "${nodeRange}" allows Node ${current}`);
assert.ok(satisfies(process.versions.node, nodeRange), `this Node (${process.versions.node}) is in engines.node "${nodeRange}"`);

// ---------------------------------------------------------------------------
// 3. The built package in place: ESM import and CJS require of both entry
// points, through the package's own `exports` map.

const esm = await import("stepgraph");
const cjs = require("stepgraph");
const esmTesting = await import("stepgraph/testing");
const cjsTesting = require("stepgraph/testing");
const OpenAI = (await import("openai")).default;

for (const [format, library, testing] of [
  ["esm", esm, esmTesting],
  ["cjs", cjs, cjsTesting],
]) {
  assert.equal(typeof library.pipeline, "function", `${format}: pipeline is exported`);
  assert.equal(typeof library.agent, "function", `${format}: agent is exported`);
  assert.equal(typeof testing.startMockOpenAI, "function", `${format}: startMockOpenAI is exported`);
  const server = await testing.startMockOpenAI();
  try {
    const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
    const writer = library.agent({ model: "gpt-4o-mini", maxTokens: 50 });
    const p = library
      .pipeline("smoke", { client, costBudget: 1 })
      .step("a", () => 20)
      .step("b", { after: ["a"] }, (ctx) => ctx.dep("a") + 1)
      .step("c", { after: ["b"] }, writer.asStep((ctx) => `Say ${ctx.dep("b")}`));
    const result = await p.run();
    assert.equal(result.outputs.b, 21, `${format}: the pipeline runs`);
    assert.equal(result.usage.calls, 1, `${format}: the agent call is accounted`);
    // A Claude model is priced from @pydantic/genai-prices, which each build imports at the first lookup (the CommonJS build by an opaque specifier).
    const claude = library.agent({ model: "claude-3-5-sonnet-latest" });
    server.script({ content: "ok", usage: { inputTokens: 1000, cacheWriteInputTokens: 400, outputTokens: 100, style: "anthropic" } });
    const priced = await library.pipeline("priced", { client }).step("ask", claude.asStep("Hello")).run();
    assert.equal(priced.usage.costNanoUsd, 600 * 3000 + 400 * 3750 + 100 * 15_000, `${format}: a Claude model is priced from the database, its cache writes at their rate`);
    const short = library.pipeline("short").step("say", () => "short");
    const long = library.pipeline("long").step("say", () => "long");
    const pick = library.router("pick", { routes: { short, long }, route: (input) => (input.length > 3 ? "long" : "short") });
    const routed = await pick.runMany(["hi", "hello"], { concurrency: 2, keep: "output" });
    assert.deepEqual(
      routed.map((outcome) => outcome.ok && outcome.result.route),
      ["short", "long"],
      `${format}: routers and batches run`,
    );
    assert.equal(typeof library.RouteError, "function", `${format}: RouteError is exported`);
  } finally {
    await server.close();
  }
}
// stepgraph/telemetry: both formats load, and a traced run's spans reach an OTLP/HTTP receiver on loopback.
const esmTelemetry = await import("stepgraph/telemetry");
const cjsTelemetry = require("stepgraph/telemetry");
for (const [format, library, telemetryModule] of [
  ["esm", esm, esmTelemetry],
  ["cjs", cjs, cjsTelemetry],
]) {
  assert.equal(typeof telemetryModule.otlp, "function", `${format}: otlp is exported from stepgraph/telemetry`);
  assert.equal(typeof telemetryModule.fromTracer, "function", `${format}: fromTracer is exported from stepgraph/telemetry`);
  const names = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      for (const resource of JSON.parse(body).resourceSpans) for (const scope of resource.scopeSpans) for (const span of scope.spans) names.push(span.name);
      response.end("{}");
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const telemetry = telemetryModule.otlp({ url: `http://127.0.0.1:${receiver.address().port}`, flush: true, serviceName: "package-check" });
    await library.pipeline("traced").step("a", () => 1).run(undefined, { telemetry });
    await telemetry.close();
    assert.deepEqual(names.sort(), ["invoke_workflow traced", "step a"], `${format}: a traced run's spans reach the collector`);
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
}
// stepgraph/durable: both formats load, and a run journalled in memory and in a SQLite file is returned from the journal.
const esmDurable = await import("stepgraph/durable");
const cjsDurable = require("stepgraph/durable");
for (const [format, library, durableModule] of [
  ["esm", esm, esmDurable],
  ["cjs", cjs, cjsDurable],
]) {
  for (const name of ["memoryStore", "sqliteStore", "postgresStore", "worker"]) {
    assert.equal(typeof durableModule[name], "function", `${format}: ${name} is exported from stepgraph/durable`);
  }
  for (const store of [durableModule.memoryStore(), durableModule.sqliteStore({ file: join(mkdtempSync(join(tmpdir(), "stepgraph-durable-")), "runs.db") })]) {
    let calls = 0;
    const p = library.pipeline("journalled").step("a", () => ++calls);
    try {
      const first = await p.run(undefined, { durable: { store, runId: "r-1" } });
      const again = await p.run(undefined, { durable: { store, runId: "r-1" } });
      assert.equal(again.output, first.output, `${format}: ${store.description}: the journalled result comes back`);
      assert.equal(again.durable.fromJournal, true, `${format}: ${store.description}: from the journal`);
      assert.equal(calls, 1, `${format}: ${store.description}: the step ran once`);
    } finally {
      await store.close();
    }
  }
}
// stepgraph/ts-plugin: tsserver require()s it and calls what it exports; it loads nothing itself (it runs on the editor's typescript).
assert.equal(typeof require("stepgraph/ts-plugin"), "function", "stepgraph/ts-plugin: require() gives the plugin factory");
assert.deepEqual(
  [...readFileSync(join(root, "dist/ts-plugin/index.cjs"), "utf8").matchAll(/\brequire\(['"]([^'"]+)['"]\)/g)].map((match) => match[1]),
  [],
  "dist/ts-plugin/index.cjs require()s nothing: the plugin uses the typescript tsserver gives it",
);
log("ESM and CJS entry points load and run in place");

/** The stepgraph bin, from dist/, checks the committed docs (reported with the consumers' outcomes). */
const checkBin = async () => {
  const { output } = await run("the stepgraph bin", "docs examples --out docs/pipelines --check", process.execPath, [join(root, "dist/cli.js"), "docs", "examples", "--out", "docs/pipelines", "--check"], { cwd: root });
  assert.match(output, /up to date|no changes|ok/i, "the stepgraph bin checks the committed docs");
  log("the stepgraph bin checks the committed docs");
};

// ---------------------------------------------------------------------------
// 4. Fresh consumer projects, all at once (one shared npm cache).

/** The versions this repository is tested with; consumers install the same (from the cache when it has them). */
const versions = Object.fromEntries(
  ["effect", "zod", "openai", "typescript", "@types/node", "esbuild"].map((name) => [name, JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version]),
);
/** The lowest version each peer range admits (its first x.y.z: "^4.1.0" gives 4.1.0, ">=6.0.0 <8" gives 6.0.0). */
const lowest = Object.fromEntries(
  ["effect", "zod", "openai"].map((name) => [name, /\d+\.\d+\.\d+/.exec(manifest.peerDependencies[name])?.[0] ?? assert.fail(`package.json: the ${name} peer range has no x.y.z`)]),
);
const npmInstall = ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

/** Bytes of a bundle, and of the gpt-tokenizer code in it, from esbuild's metafile. */
const bundleStats = (directory, name) => {
  const metafile = JSON.parse(readFileSync(join(directory, "bundle", `${name}.meta.json`), "utf8"));
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined) ?? Object.values(metafile.outputs)[0];
  const tokenizer = Object.entries(output.inputs).filter(([path, input]) => path.includes("gpt-tokenizer") && input.bytesInOutput > 0);
  return { bytes: output.bytes, tokenizerFiles: tokenizer.length, tokenizerBytes: tokenizer.reduce((sum, [, input]) => sum + input.bytesInOutput, 0) };
};

const bundleReport = [];
const checkConsumer = async (consumer, index) => {
  const who = `consumer "${consumer.name}"`;
  const directory = join(work, `consumer-${index}`);
  const timings = [];
  const timed = async (label, action) => {
    const start = performance.now();
    const result = await action();
    timings.push(`${label} ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return result;
  };
  for (const [file, text] of Object.entries(consumer.files)) {
    mkdirSync(dirname(join(directory, file)), { recursive: true });
    writeFileSync(join(directory, file), text);
  }
  await timed("install", () =>
    run(who, "npm install of the tarball and its peers", "npm", [...npmInstall, tarball, ...consumer.packages(versions, lowest)], { cwd: directory }),
  );
  for (const name of ["effect", "zod"]) {
    assert.ok(existsSync(join(directory, "node_modules", name)), `${who}: ${name} is installed`);
    assert.ok(
      !existsSync(join(directory, "node_modules/stepgraph/node_modules", name)),
      `${who}: stepgraph got a second ${name} of its own (node_modules/stepgraph/node_modules/${name}): it must use the project's`,
    );
  }
  for (const step of consumer.steps) {
    const command = step.command === "node" ? process.execPath : join(directory, step.command);
    const label = step.command.endsWith("tsc") ? "tsc" : step.bundle !== undefined ? "esbuild" : "run";
    const { output } = await timed(label, () => run(who, step.what, command, step.args, { cwd: directory }));
    if (step.expect !== undefined) assert.match(output, step.expect, `${who}: ${step.what}: printed ${JSON.stringify(output.slice(0, 500))}`);
    if (step.bundle !== undefined) {
      const stats = bundleStats(directory, step.bundle);
      const format = step.bundle.endsWith(".cjs") ? "cjs" : "esm";
      bundleReport.push({ consumer: consumer.name, name: step.bundle, format, ...stats });
      if (step.bundle.startsWith("quickstart")) {
        assert.equal(
          stats.tokenizerFiles,
          0,
          `${who}: the quick start's ${format} bundle (no agents, no budget) carries gpt-tokenizer (${stats.tokenizerFiles} files, ${stats.tokenizerBytes} bytes): it must be loaded only for a budget reservation`,
        );
        assert.ok(
          stats.bytes < QUICK_START_BUNDLE_LIMIT[format],
          `${who}: the quick start's ${format} bundle is ${stats.bytes} bytes, over the ${QUICK_START_BUNDLE_LIMIT[format]} bytes allowed`,
        );
      }
    }
  }
  for (const [i, isolated] of (consumer.isolated ?? []).entries()) {
    const alone = join(work, `isolated-${index}-${i}`);
    mkdirSync(alone, { recursive: true });
    const file = join(alone, isolated.file.split("/").pop());
    writeFileSync(file, readFileSync(join(directory, isolated.file)));
    const { output } = await timed("run", () => run(who, isolated.what, process.execPath, [file], { cwd: alone }));
    assert.match(output, isolated.expect, `${who}: ${isolated.what}: printed ${JSON.stringify(output.slice(0, 500))}`);
  }
  log(`${who}: installed${timings.some((timing) => timing.startsWith("tsc")) ? ", type-checked" : ""} and ran (${timings.join(", ")})`);
};

const refuse = async (project, index) => {
  const who = `${project.name}`;
  const directory = join(work, `refused-${index}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "package.json"), JSON.stringify({ name: `refused-${index}`, private: true }));
  const { output } = await run(who, "npm install --dry-run (must be refused: the peer range excludes it)", "npm", [...npmInstall, "--dry-run", tarball, ...project.packages(versions)], {
    cwd: directory,
    expectFailure: true,
  });
  assert.match(output, project.expect, `${who}: npm refuses it, naming stepgraph's peer range`);
  log(`${who}: refused by npm (ERESOLVE on the peer range)`);
};

const outcomes = await Promise.allSettled([checkBin(), ...consumers.map(checkConsumer), ...refusedProjects.map(refuse)]);
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;
for (const entry of bundleReport) {
  const tokenizer = entry.tokenizerFiles === 0 ? "not in it" : `${kb(entry.tokenizerBytes)} of it (the budget's estimate, and the local server of stepgraph/testing, which counts tokens with it)`;
  log(`minified bundle ${entry.name} (${entry.consumer}): ${kb(entry.bytes)}, gpt-tokenizer ${tokenizer}`);
}
const failures = outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) => outcome.reason);
if (failures.length > 0) {
  for (const failure of failures) console.error(`\npackage check FAILED: ${failure instanceof Error ? failure.message : failure}`);
  console.error(`\n(consumer projects kept in ${work})`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
log(`done: ${consumers.length} consumer projects and ${refusedProjects.length} refused ones`);
