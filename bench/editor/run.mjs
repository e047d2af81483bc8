/**
 * Editor latency: how long an editor waits for errors and completions in a
 * file holding a realistic pipeline of 5, 50 and 150 steps (object outputs,
 * two dependencies read per step, every fifth step an agent call with a zod
 * output schema). For TypeScript 5.9 (its LanguageService, in-process) and
 * TypeScript 7 (`tsc --lsp` over stdio), in fresh processes:
 *
 * - cold: open the file, time to its first diagnostics (loading the project);
 * - warm: one keystroke (the last step's first id in `after` deleted, a
 *   character typed in its label), time to diagnostics, then to completions
 *   in that empty string (every earlier id is offered).
 *
 * Prints the median of `--runs` (default 3) fresh processes per cell, and the
 * growth per step between 5 and 150 steps. Times depend on the machine and
 * its load: compare figures from one run.
 *
 *   node bench/editor/run.mjs [--runs 3] [--steps 5,50,150]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, steps: { type: "string", default: "5,50,150" }, sample: { type: "string" }, compiler: { type: "string" } },
});

export { source } from "./source.mjs";
import { source } from "./source.mjs";

const sample = async (steps, compiler) => {
  const name = `editor-bench-${steps}.ts`;
  const ms = (start) => Math.round(performance.now() - start);
  if (compiler === "5.9") {
    const { createEditor } = await import("../../type-tests/editor/language-service.mjs");
    const editor = createEditor();
    let start = performance.now();
    editor.diagnostics(editor.open(name, source(steps, false)));
    const cold = ms(start);
    const typed = editor.open(name, source(steps, true));
    start = performance.now();
    const errors = editor.diagnostics(typed);
    const diagnostics = ms(start);
    start = performance.now();
    const offered = editor.completions(typed);
    return { cold, diagnostics, completions: ms(start), errors: errors.length, offered: offered.length };
  }
  const { startServer } = await import("../../type-tests/editor/lsp.mjs");
  const server = await startServer({ timeoutMs: 120_000 });
  try {
    let start = performance.now();
    await server.diagnostics(server.open(name, source(steps, false)));
    const cold = ms(start);
    const typed = server.open(name, source(steps, true));
    start = performance.now();
    const errors = await server.diagnostics(typed);
    const diagnostics = ms(start);
    start = performance.now();
    const offered = await server.completions(typed);
    return { cold, diagnostics, completions: ms(start), errors: errors.length, offered: offered.length };
  } finally {
    await server.close();
  }
};

if (values.sample !== undefined) {
  console.log(JSON.stringify(await sample(Number(values.sample), values.compiler)));
} else {
  const runs = Number(values.runs);
  const sizes = values.steps.split(",").map(Number);
  const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
  const rows = [];
  for (const compiler of ["5.9", "7"]) {
    for (const steps of sizes) {
      const samples = [];
      for (let run = 0; run < runs; run++) {
        const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--sample", String(steps), "--compiler", compiler], { encoding: "utf8", timeout: 300_000 });
        if (child.status !== 0) throw new Error(`sample ${steps} steps, TS ${compiler}: ${child.stderr}`);
        samples.push(JSON.parse(child.stdout.trim().split("\n").at(-1)));
      }
      const row = { compiler, steps, cold: median(samples.map((s) => s.cold)), diagnostics: median(samples.map((s) => s.diagnostics)), completions: median(samples.map((s) => s.completions)), errors: samples[0].errors, offered: samples[0].offered };
      rows.push(row);
      console.error(`TS ${compiler}, ${steps} steps: ${JSON.stringify(row)}`);
    }
  }
  console.log(`| compiler | steps | cold: first diagnostics | warm: diagnostics after a keystroke | warm: completions | errors | ids offered |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const row of rows) console.log(`| TS ${row.compiler} | ${row.steps} | ${row.cold} ms | ${row.diagnostics} ms | ${row.completions} ms | ${row.errors} | ${row.offered} |`);
  for (const compiler of ["5.9", "7"]) {
    const [small, large] = [rows.find((r) => r.compiler === compiler && r.steps === sizes[0]), rows.find((r) => r.compiler === compiler && r.steps === sizes.at(-1))];
    const perStep = (key) => ((large[key] - small[key]) / (large.steps - small.steps)).toFixed(1);
    console.log(`\nTS ${compiler}, growth per step from ${small.steps} to ${large.steps} steps: diagnostics ${perStep("diagnostics")} ms, completions ${perStep("completions")} ms, cold ${perStep("cold")} ms.`);
  }
}
