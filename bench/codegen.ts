/**
 * Times `stepgraph docs` on 200 generated files of pipelines (run with
 * `tsx bench/codegen.ts [files]`). The files go to bench/.tmp (gitignored);
 * they import stepgraph's own source, so module resolution and the checker
 * see the real library types, as they would in a user's project.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runDocs } from "../codegen/docs.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = join(root, "bench", ".tmp", "codegen");
const sources = join(work, "pipelines");
const fileCount = Number(process.argv[2] ?? 200);
const STEPS = 12;

const pipelineFile = (index: number): string => {
  const library = relative(sources, join(root, "src", "index.js")).split("\\").join("/");
  const ids = Array.from({ length: STEPS }, (_, step) => `s${index}_${step}`);
  const lines = [
    `import { pipeline } from "${library}";`,
    "",
    `const FIRST = "${ids[0]}";`,
    `const joins = ["${ids[1]}", "${ids[2]}"] as const;`,
    "",
    `export const base${index} = pipeline<{ text: string }>("base-${index}")`,
    `  .step(FIRST, (ctx) => ctx.input.text)`,
    `  .step("${ids[1]}", { after: [FIRST], timeout: "5 seconds", retries: 2 }, (ctx) => ctx.dep(FIRST).length)`,
    `  .step("${ids[2]}", { after: [FIRST], retryDelay: 250 }, (ctx) => ctx.dep(FIRST).toUpperCase());`,
    "",
    `export const full${index} = base${index}`,
    `  .step("${ids[3]}", { after: joins, costBudget: 0.25 }, (ctx) => ctx.dep("${ids[1]}") + ctx.dep("${ids[2]}").length)`,
  ];
  for (let step = 4; step < STEPS; step += 1) {
    lines.push(`  .step("${ids[step]}", { after: ["${ids[step - 1]}"], timeout: ${step * 100} }, (ctx) => ctx.dep("${ids[step - 1]}"))`);
  }
  lines.push(`  .configure({ steps: { "${ids[4]}": { retries: 1 } } });`, "");
  return lines.join("\n");
};

await rm(work, { recursive: true, force: true });
await mkdir(sources, { recursive: true });
for (let index = 0; index < fileCount; index += 1) await writeFile(join(sources, `pipelines-${index}.ts`), pipelineFile(index));

const started = performance.now();
const report = await runDocs({ paths: [relative(root, sources)], out: relative(root, join(work, "docs")), format: "md", check: false, cwd: root });
const elapsed = performance.now() - started;

console.log(
  `stepgraph docs: ${fileCount} files, ${report.documented} pipelines (${fileCount * (3 + STEPS)} steps), ` +
    `${report.files.size} pages, ${report.diagnostics.length} diagnostics in ${(elapsed / 1000).toFixed(2)} s`,
);
if (report.diagnostics.length > 0) process.exitCode = 1;
