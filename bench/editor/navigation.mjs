/**
 * What stepgraph/ts-plugin costs an editor (TypeScript 5.9's LanguageService,
 * in-process, on the editor bench's pipelines of 5, 50 and 150 steps):
 *
 * - pass-through: diagnostics and completions after one keystroke through the
 *   decorated service and through the bare one (they must be the same: the
 *   plugin adds nothing to them);
 * - its own answers, after the keystroke: go to definition on the last
 *   step's `ctx.dep`, and find references and rename of the first step (the
 *   id with the most uses), next to TypeScript's own answer at the same
 *   position (which, on a string literal, is a search by text).
 *
 * Medians of `--runs` fresh processes (default 3). Times depend on the
 * machine and its load: compare figures from one run.
 *
 *   node --import tsx bench/editor/navigation.mjs [--runs 3] [--steps 5,50,150]
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { source } from "./source.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, steps: { type: "string", default: "5,50,150" }, sample: { type: "string" }, plugin: { type: "string" } } });

const sample = async (steps, withPlugin) => {
  const ts = createRequire(import.meta.url)("typescript");
  const { createEditor } = await import("../../type-tests/editor/language-service.mjs");
  const { default: init } = await import("../../src/ts-plugin/index.ts");
  const editor = createEditor();
  const service = withPlugin ? init({ typescript: ts }).create({ languageService: editor.service, project: { projectService: { logger: { info: () => {} } } } }) : editor.service;
  const ms = (start) => Math.round(performance.now() - start);
  const name = `navigation-bench-${steps}.ts`;
  const opened = editor.open(name, source(steps, false));
  service.getSemanticDiagnostics(opened.file);
  // The keystroke: the last step's first `after` id emptied, a character typed in its label.
  const typed = editor.open(name, source(steps, "x"));
  let start = performance.now();
  const errors = service.getSemanticDiagnostics(typed.file).length;
  const diagnostics = ms(start);
  start = performance.now();
  service.getCompletionsAtPosition(typed.file, typed.cursor, {});
  const completions = ms(start);
  // Positions in the typed text: the last `ctx.dep("…")` and the first step's declaration.
  const lastDep = typed.text.lastIndexOf('ctx.dep("') + 'ctx.dep("'.length;
  const firstStep = typed.text.indexOf('.step("s0"') + '.step("'.length;
  start = performance.now();
  const definitions = service.getDefinitionAndBoundSpan(typed.file, lastDep)?.definitions?.length ?? 0;
  const definition = ms(start);
  start = performance.now();
  const referenced = (service.findReferences(typed.file, firstStep) ?? []).reduce((sum, symbol) => sum + symbol.references.length, 0);
  const references = ms(start);
  start = performance.now();
  const renamed = service.findRenameLocations(typed.file, firstStep, false, false, {})?.length ?? 0;
  const rename = ms(start);
  return { diagnostics, completions, definition, references, rename, errors, definitions, referenced, renamed };
};

if (values.sample !== undefined) {
  console.log(JSON.stringify(await sample(Number(values.sample), values.plugin === "on")));
} else {
  const runs = Number(values.runs);
  const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
  const keys = ["diagnostics", "completions", "definition", "references", "rename"];
  console.log(`| steps | service | diagnostics after a keystroke | completions | definition (last ctx.dep) | references (s0) | rename (s0) | found: definitions / references / rename locations |`);
  console.log(`| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |`);
  for (const steps of values.steps.split(",").map(Number)) {
    for (const plugin of ["off", "on"]) {
      const samples = [];
      for (let run = 0; run < runs; run++) {
        const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--sample", String(steps), "--plugin", plugin], { encoding: "utf8", timeout: 300_000 });
        if (child.status !== 0) throw new Error(`sample ${steps} steps, plugin ${plugin}: ${child.stderr}`);
        samples.push(JSON.parse(child.stdout.trim().split("\n").at(-1)));
      }
      const row = Object.fromEntries(keys.map((key) => [key, median(samples.map((s) => s[key]))]));
      const found = `${samples[0].definitions} / ${samples[0].referenced} / ${samples[0].renamed}`;
      console.log(`| ${steps} | ${plugin === "on" ? "with the plugin" : "TypeScript alone"} | ${keys.map((key) => `${row[key]} ms`).join(" | ")} | ${found} |`);
    }
  }
}
