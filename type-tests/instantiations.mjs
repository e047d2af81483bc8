/**
 * Guards the type-checking cost of long pipelines: generates the 200-step
 * chain of bench/typecheck, type-checks it with TypeScript 5.9
 * (`tsc --extendedDiagnostics`), and fails on any type error or when the
 * instantiation count exceeds instantiations-threshold.json. Counts are
 * deterministic for a given compiler and source, so a rise means a change
 * made long pipelines more expensive.
 *
 * After making the types cheaper, lower the threshold (measured + 10%):
 *   node type-tests/instantiations.mjs --update
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const here = dirname(fileURLToPath(import.meta.url));
const thresholdFile = join(here, "instantiations-threshold.json");
const STEPS = 200;
const HEADROOM = 1.1;

const { root, typeCheck, writeProgram } = await tsImport("../bench/typecheck/measure.ts", import.meta.url);

const project = writeProgram("chain", STEPS, { directory: join(root, "bench/.tmp/instantiations") });
const { instantiations, types, errors } = await typeCheck("5.9", project);
const measured = `${STEPS}-step chain under TypeScript 5.9: ${instantiations.toLocaleString("en-US")} instantiations, ${types.toLocaleString("en-US")} types`;

if (errors.length > 0) {
  console.error(`${measured}, and ${errors.length} type error(s):\n  ${errors.slice(0, 5).join("\n  ")}`);
  process.exit(1);
}

if (process.argv.includes("--update")) {
  const threshold = Math.ceil((instantiations * HEADROOM) / 1000) * 1000;
  const record = {
    program: `the ${STEPS}-step chain of bench/typecheck/generate.ts`,
    compiler: "TypeScript 5.9",
    measured: instantiations,
    threshold,
  };
  writeFileSync(thresholdFile, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`${measured}; threshold set to ${threshold.toLocaleString("en-US")}.`);
  process.exit(0);
}

const { threshold } = JSON.parse(readFileSync(thresholdFile, "utf8"));
if (instantiations > threshold) {
  console.error(
    `${measured}, over the threshold of ${threshold.toLocaleString("en-US")} in ${thresholdFile}.\n` +
      "A change made long pipelines more expensive to type-check; `npm run bench:types` shows where.",
  );
  process.exit(1);
}
console.log(`${measured} (threshold ${threshold.toLocaleString("en-US")}).`);
if (instantiations * HEADROOM * 1.25 < threshold) {
  console.log("That is well below the threshold: lock the gain in with `node type-tests/instantiations.mjs --update`.");
}
