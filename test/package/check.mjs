// Checks the built package the way users load it: ESM import and CJS require of
// both entry points, through the package's own `exports` map.
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const esm = await import("stepgraph");
const cjs = require("stepgraph");
const esmTesting = await import("stepgraph/testing");
const cjsTesting = require("stepgraph/testing");

for (const [format, library, testing] of [
  ["esm", esm, esmTesting],
  ["cjs", cjs, cjsTesting],
]) {
  assert.equal(typeof library.pipeline, "function", `${format}: pipeline is exported`);
  assert.equal(typeof library.agent, "function", `${format}: agent is exported`);
  assert.equal(typeof testing.startMockOpenAI, "function", `${format}: startMockOpenAI is exported`);
  const OpenAI = (await import("openai")).default;
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
const { execFileSync } = await import("node:child_process");
const docs = execFileSync(process.execPath, ["dist/cli.js", "docs", "examples", "--out", "docs/pipelines", "--check"], { encoding: "utf8" });
assert.match(docs, /up to date|no changes|ok/i, "the stepgraph bin checks the committed docs");
console.log("package check: ESM and CJS entry points load and run");
