/**
 * Runs every type test (`npm run test:types`), two at a time, and prints a
 * summary. Exits non-zero if any fails.
 *
 * - tsd: the *.test-d.ts files, one per guarantee (expectType, expectError).
 * - tsc under TypeScript 5.9 and under TypeScript 7: compiles.ts and
 *   flow/compiles.ts (what must compile) and expect-error/*.ts and
 *   flow/expect-error/*.ts (what must not, one marked error per line).
 * - check-expect-errors.mjs: each marker guards exactly one error, and the
 *   messages that matter read as promised (TypeScript 5.9).
 * - instantiations.mjs: a 200-step chain type-checks, within the committed
 *   instantiation threshold.
 * - editor/editor.test.mjs: what an editor shows (errors and the token they
 *   underline, completions) through TypeScript 5.9's language service and
 *   TypeScript 7's `tsc --lsp`.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tscOf = (packageName) => join(dirname(require.resolve(`${packageName}/package.json`)), "bin/tsc");
const versionOf = (packageName) => require(`${packageName}/package.json`).version;
const CONCURRENCY = 2;

const markerDirectories = [join(here, "expect-error"), join(here, "flow", "expect-error")];
const markers = markerDirectories.flatMap((directory) =>
  readdirSync(directory)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => readFileSync(join(directory, file), "utf8").match(/@ts-expect-error/g)?.length ?? 0),
);
const markerSummary = `compiles.ts, flow/compiles.ts and ${markers.reduce((sum, count) => sum + count, 0)} @ts-expect-error in ${markers.length} files`;
const project = join(here, "tsconfig.json");

/** Slowest first, so two workers finish close together. */
const tasks = [
  { name: `tsc ${versionOf("typescript")}`, args: [tscOf("typescript"), "-p", project], passed: markerSummary },
  { name: "instantiations", args: [join(here, "instantiations.mjs")] },
  { name: "tsd", args: [join(here, "tsd.mjs")] },
  { name: "editor", args: [join(here, "editor", "editor.test.mjs")] },
  { name: "expect-error", args: [join(here, "check-expect-errors.mjs")] },
  { name: `tsc ${versionOf("typescript7")}`, args: [tscOf("typescript7"), "-p", project], passed: markerSummary },
];

const run = (task) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, task.args, { cwd: dirname(here), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ ...task, code, output: output.trim(), seconds: (Date.now() - started) / 1000 }));
  });

const results = [];
const queue = [...tasks];
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let task = queue.shift(); task !== undefined; task = queue.shift()) results.push(await run(task));
  }),
);

const failed = results.filter((result) => result.code !== 0);
for (const result of failed) console.log(`\n--- ${result.name} failed ---\n${result.output}\n`);

console.log("type tests:");
for (const result of tasks.map((task) => results.find((done) => done.name === task.name))) {
  const detail = result.code === 0 ? (result.passed ?? result.output.split("\n")[0]) : "see above";
  console.log(`  ${result.code === 0 ? "ok  " : "FAIL"}  ${result.name.padEnd(15)} ${result.seconds.toFixed(1).padStart(5)} s  ${detail}`);
}
if (failed.length > 0) process.exitCode = 1;
