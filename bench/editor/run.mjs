/**
 * Editor latency: how long an editor waits for errors and completions in a
 * file holding a realistic pipeline of 5, 50 and 150 steps (object outputs,
 * two dependencies read per step, every fifth step an agent call with a zod
 * output schema). For TypeScript 5.9 (its LanguageService, in-process) and
 * TypeScript 7 (`tsc --lsp` over stdio), in fresh processes:
 *
 * - cold: open the file, time to its first diagnostics (loading the project);
 * - first keystroke: the last step's first id in `after` deleted and a
 *   character typed in its label, time to diagnostics and completions there;
 * - warm: the next keystroke (another character typed in that label), time to
 *   diagnostics, then to completions in the empty string (every earlier id is
 *   offered), then to the same completions asked again.
 *
 * Each figure is wall time and CPU time (the in-process LanguageService's, or
 * the TS 7 server's threads'): on a shared machine the CPU time is the figure
 * to compare, wall time also holds the waits for a core.
 *
 * Which stepgraph the file imports (`--types`):
 * - `dist` (the default): what a user meets. `npm run build` first, then a
 *   scratch project in bench/.tmp/editor-dist/ whose node_modules/stepgraph is
 *   the built package (its package.json and dist/), imported as "stepgraph";
 *   its .d.ts files are not checked (`skipLibCheck`, as in a user's project).
 * - `src`: the library's .ts sources (`../../../src/index.js` from
 *   type-tests/editor/.tmp/), as the editor tests import them: the checker
 *   then also infers the sources' own unannotated types. No build needed.
 *
 * `--library mastra` times the same situation in a Mastra workflow (one
 * `createStep` with zod schemas per step, a `createWorkflow(...).then(...)`
 * chain, every fifth step an `Agent.generate` with a structured output; the
 * keystroke empties the last step's `getStepResult(...)` argument and
 * completes there). Mastra comes from bench/node_modules (`npm ci --prefix bench`).
 *
 * Prints the median of `--runs` (default 3) fresh processes per cell, and the
 * growth per step between the smallest and largest size. Times depend on the
 * machine and its load: compare figures from one run.
 *
 * After opening and after the first keystroke the client waits `--settle` ms (default 2000), as a person
 * does: TS 7's server keeps working for a while after it has answered the first keystroke, and without
 * the pause that work lands in the next keystroke's figures (5 steps: 150–490 ms CPU for diagnostics
 * instead of 40–60). `--package <dir>`: copy that directory's package.json and dist/ instead of building
 * this one (to time an older build).
 *
 *   node bench/editor/run.mjs [--types dist|src] [--library stepgraph|mastra] [--runs 3] [--steps 5,50,150] [--compilers 5.9,7] [--settle 2000] [--no-build] [--package dir]
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  strict: false,
  options: {
    runs: { type: "string", default: "3" },
    steps: { type: "string", default: "5,50,150" },
    types: { type: "string", default: "dist" },
    library: { type: "string", default: "stepgraph" },
    compilers: { type: "string", default: "5.9,7" },
    "no-build": { type: "boolean", default: false },
    sample: { type: "string" },
    compiler: { type: "string" },
    settle: { type: "string", default: "2000" },
    package: { type: "string" },
  },
});

export { source } from "./source.mjs";
import { depsOf, id, source } from "./source.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * The same workflow for Mastra (@mastra/core 0.24), in the form bench/typecheck/peers.ts uses: a zod
 * schema and a `createStep` per step, the previous step's output read from `inputData` and the other
 * dependency with the typed `getStepResult(step)`, every fifth step calling an `Agent` with a structured
 * output, and one `.then` chain. `typed`: the last step's `getStepResult(...)` argument emptied (cursor
 * there, where the earlier steps are offered) and a character typed in its label.
 */
export const mastraSource = (steps, typed) => {
  const lines = [
    `import { Agent } from "@mastra/core/agent";`,
    `import { createStep, createWorkflow } from "@mastra/core/workflows";`,
    `import { z } from "zod";`,
    `const extraction = z.object({ entities: z.array(z.string()), score: z.number() });`,
    `const extractor = new Agent({ name: "extractor", instructions: "Extract the entities.", model: "openai/gpt-4o-mini" });`,
    `const input = z.object({ document: z.string() });`,
    `const output0 = z.object({ value0: z.number(), label0: z.string() });`,
    `const ${id(0)} = createStep({ id: "${id(0)}", inputSchema: input, outputSchema: output0, execute: async ({ inputData }) => ({ value0: inputData.document.length, label0: "${id(0)}" }) });`,
  ];
  for (let index = 1; index < steps; index++) {
    const deps = depsOf(index);
    const last = index === steps - 1;
    const reads = deps
      .map((dep) => (dep === index - 1 ? `inputData.value${dep}` : last && typed ? `getStepResult(/*|*/).value${dep}` : `getStepResult(${id(dep)}).value${dep}`))
      .join(" + ");
    const label = `${id(index)}${last && typed ? typed : ""}`;
    const uses = deps.some((dep) => dep !== index - 1) ? "inputData, getStepResult" : "inputData";
    const body =
      index % 5 === 4
        ? `async ({ ${uses} }) => { const { object } = await extractor.generate("text", { structuredOutput: { schema: extraction } }); return { value${index}: ${reads} + object.score, label${index}: object.entities.join(",") + "${label}" }; }`
        : `async ({ ${uses} }) => ({ value${index}: ${reads}, label${index}: "${label}" })`;
    lines.push(
      `const output${index} = z.object({ value${index}: z.number(), label${index}: z.string() });`,
      `const ${id(index)} = createStep({ id: "${id(index)}", inputSchema: output${index - 1}, outputSchema: output${index}, execute: ${body} });`,
    );
  }
  lines.push(
    `export const workflow = createWorkflow({ id: "editor-bench", inputSchema: input, outputSchema: output${steps - 1} })`,
    ...Array.from({ length: steps }, (_, index) => `  .then(${id(index)})`),
    `  .commit();`,
  );
  return lines.join("\n") + "\n";
};

/** The project a sample's file lives in (undefined: the editor tests' own, type-tests/editor/.tmp/). */
const projectOf = (types, library) =>
  library === "mastra" ? join(root, "bench/.tmp/editor-mastra") : types === "dist" ? join(root, "bench/.tmp/editor-dist") : undefined;

const projectConfig = { extends: "../../../tsconfig.json", include: ["*.ts"] };

/**
 * Writes the scratch project that imports the built package as a user's does: node_modules/stepgraph
 * holds package.json and dist/ (what `npm pack` ships), its peers (effect, zod) and @types/node are
 * the repository's own, linked.
 */
const prepareDist = () => {
  const project = projectOf("dist", "stepgraph");
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, "node_modules/stepgraph"), { recursive: true });
  const built = values.package ?? root;
  cpSync(join(built, "package.json"), join(project, "node_modules/stepgraph/package.json"));
  cpSync(join(built, "dist"), join(project, "node_modules/stepgraph/dist"), { recursive: true });
  for (const name of ["effect", "zod", "@types"]) symlinkSync(join(root, "node_modules", name), join(project, "node_modules", name));
  writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify(projectConfig, null, 2)}\n`);
};

/** Mastra's project sits under bench/, so @mastra/core and zod resolve from bench/node_modules. */
const prepareMastra = () => {
  const project = projectOf("src", "mastra");
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify(projectConfig, null, 2)}\n`);
};

const textOf = (steps, typed, types, library) =>
  library === "mastra" ? mastraSource(steps, typed) : source(steps, typed, types === "dist" ? "stepgraph" : undefined);

/**
 * CPU time spent so far, in ms: this process's (TS 5.9 runs in it), or the server's (TS 7's `tsc --lsp`,
 * summed over its threads from /proc). On a shared machine CPU time varies much less with the load than
 * wall time; TS 7 checks on several threads, so its CPU time can exceed its wall time.
 */
const cpuOf = (pid) => {
  if (pid === undefined) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  // The typescript7 package's bin/tsc is a Node launcher of the native server: count its descendants too.
  const tree = (id) => {
    const tasks = readdirSync(`/proc/${id}/task`);
    const children = tasks.flatMap((task) => readOr(`/proc/${id}/task/${task}/children`, "").split(" ").filter(Boolean));
    return tasks.reduce((sum, task) => sum + Number(readOr(`/proc/${id}/task/${task}/schedstat`, "0").split(" ")[0]) / 1e6, 0) + children.reduce((sum, child) => sum + tree(child), 0);
  };
  return tree(pid);
};

/** A /proc file's text, or `fallback` when it is gone (a thread that ended between the listing and the read). */
const readOr = (file, fallback) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
};

/**
 * One fresh process's figures, each as wall time and CPU time. `again` is a second completion request at
 * the same place, right after the first: what the first paid for that is cached shows as the difference.
 */
const sample = async (steps, compiler, types, library) => {
  const name = `editor-bench-${steps}.ts`;
  const directory = projectOf(types, library);
  const client =
    compiler === "5.9"
      ? (await import("../../type-tests/editor/language-service.mjs")).createEditor({ directory })
      : await (await import("../../type-tests/editor/lsp.mjs")).startServer({ timeoutMs: 120_000, directory });
  const timed = async (request) => {
    const [wall, cpu] = [performance.now(), cpuOf(client.pid)];
    const result = await request();
    return { result, ms: Math.round(performance.now() - wall), cpu: Math.round(cpuOf(client.pid) - cpu) };
  };
  try {
    const cold = await timed(() => client.diagnostics(client.open(name, textOf(steps, false, types, library))));
    // The first keystroke after opening costs more than the next ones (TS 7 about twice the CPU of a later
    // one): timed as `first`; the warm figures are of the second keystroke.
    const settled = await timed(() => new Promise((resolve) => setTimeout(resolve, Number(values.settle))));
    const first = await timed(async () => {
      const typed = client.open(name, textOf(steps, "y", types, library));
      await client.diagnostics(typed);
      await client.completions(typed);
    });
    await new Promise((resolve) => setTimeout(resolve, Number(values.settle)));
    const typed = client.open(name, textOf(steps, "x", types, library));
    const diagnostics = await timed(() => client.diagnostics(typed));
    const completions = await timed(() => client.completions(typed));
    const again = await timed(() => client.completions(typed));
    const offered = library === "mastra" ? completions.result.filter((entry) => /^s\d+$/.test(entry)) : completions.result;
    const figures = Object.fromEntries(Object.entries({ cold, settled, first, diagnostics, completions, again }).flatMap(([key, { ms, cpu }]) => [[key, ms], [`${key}Cpu`, cpu]]));
    return { ...figures, errors: diagnostics.result.length, offered: offered.length };
  } finally {
    await client.close?.();
  }
};

const main = process.argv[1] === fileURLToPath(import.meta.url);

if (main && values.sample !== undefined) {
  console.log(JSON.stringify(await sample(Number(values.sample), values.compiler, values.types, values.library)));
} else if (main) {
  const { types, library } = values;
  if (!["dist", "src"].includes(types)) throw new Error(`--types is dist or src, not ${types}`);
  if (!["stepgraph", "mastra"].includes(library)) throw new Error(`--library is stepgraph or mastra, not ${library}`);
  if (library === "mastra") prepareMastra();
  else if (types === "dist") {
    if (!values["no-build"] && values.package === undefined) {
      console.error("npm run build (the dist types the scratch project imports; --no-build to use dist/ as it is)");
      const build = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8" });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    }
    prepareDist();
  }
  const runs = Number(values.runs);
  const sizes = values.steps.split(",").map(Number);
  const compilers = values.compilers.split(",");
  const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
  const what = library === "mastra" ? "Mastra" : `stepgraph (${types})`;
  const rows = [];
  for (const compiler of compilers) {
    for (const steps of sizes) {
      const samples = [];
      for (let run = 0; run < runs; run++) {
        const args = [fileURLToPath(import.meta.url), "--sample", String(steps), "--compiler", compiler, "--types", types, "--library", library, "--settle", values.settle];
        const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 300_000 });
        if (child.status !== 0) throw new Error(`sample ${steps} steps, TS ${compiler}: ${child.stderr}`);
        samples.push(JSON.parse(child.stdout.trim().split("\n").at(-1)));
      }
      const keys = ["cold", "first", "diagnostics", "completions", "again"];
      const row = { compiler, steps, errors: samples[0].errors, offered: samples[0].offered };
      for (const key of keys) for (const field of [key, `${key}Cpu`]) row[field] = median(samples.map((s) => s[field]));
      rows.push(row);
      console.error(`${what}, TS ${compiler}, ${steps} steps: ${JSON.stringify(row)}`);
    }
  }
  const cell = (row, key) => `${row[key].toLocaleString("en-US")} (${row[`${key}Cpu`].toLocaleString("en-US")})`;
  console.log(`\n${what}, medians of ${runs} fresh processes, wall ms (CPU ms):\n`);
  console.log(`| compiler | steps | cold: first diagnostics | first keystroke: diagnostics + completions | warm: diagnostics | warm: completions | same completions again | errors | steps offered |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const row of rows) console.log(`| TS ${row.compiler} | ${row.steps} | ${cell(row, "cold")} | ${cell(row, "first")} | ${cell(row, "diagnostics")} | ${cell(row, "completions")} | ${cell(row, "again")} | ${row.errors} | ${row.offered} |`);
  for (const compiler of compilers) {
    const [small, large] = [rows.find((r) => r.compiler === compiler && r.steps === sizes[0]), rows.find((r) => r.compiler === compiler && r.steps === sizes.at(-1))];
    const perStep = (key) => `${((large[key] - small[key]) / (large.steps - small.steps)).toFixed(1)} (${((large[`${key}Cpu`] - small[`${key}Cpu`]) / (large.steps - small.steps)).toFixed(1)})`;
    console.log(`\nTS ${compiler}, growth per step from ${small.steps} to ${large.steps} steps, wall ms (CPU ms): diagnostics ${perStep("diagnostics")}, completions ${perStep("completions")}, cold ${perStep("cold")}.`);
  }
}
