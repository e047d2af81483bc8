/**
 * Guards the type-checking cost of long pipelines: generates the 200-step
 * chain of bench/typecheck, type-checks it with TypeScript 5.9
 * (`tsc --extendedDiagnostics`), and fails on any type error or when the
 * instantiation count exceeds instantiations-threshold.json. Counts are
 * deterministic for a given compiler and source, so a rise means a change
 * made long pipelines more expensive.
 *
 * After making the types cheaper, lower the threshold (measured + 5%, the
 * most the type cost may rise by):
 *   node type-tests/instantiations.mjs --update
 *
 * It also type-checks one agent with a zod output schema and one tool, and
 * fails above AGENT_SCHEMA_LIMIT instantiations: relating a schema to zod's classic
 * `z.ZodType` (instead of its core `$ZodType`, see `ZodSchema` in
 * src/agents/tool.ts) costs every new checker, so every keystroke in an
 * editor, about 76,000 instantiations more.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const here = dirname(fileURLToPath(import.meta.url));
const thresholdFile = join(here, "instantiations-threshold.json");
const STEPS = 200;
const HEADROOM = 1.05;

const { root, typeCheck, writeProgram } = await tsImport("../bench/typecheck/measure.ts", import.meta.url);

/**
 * The instantiations a new checker spends on one file that makes an agent
 * with a zod output schema and a tool, checking that file only (as an editor
 * does after a keystroke; the library's own sources are resolved only as far
 * as the file needs them).
 */
const agentSchemaCost = () => {
  const ts = createRequire(import.meta.url)("typescript");
  const directory = join(root, "type-tests/.tmp/instantiations");
  mkdirSync(directory, { recursive: true });
  const file = join(directory, "agent-schema.ts");
  writeFileSync(
    file,
    [
      `import { z } from "zod";`,
      `import { agent, tool } from "../../../src/index.js";`,
      `const weather = tool({ description: "Weather", parameters: z.object({ city: z.string() }), execute: async ({ city }) => city });`,
      `export const extractor = agent({ model: "gpt-4o-mini", output: z.object({ entities: z.array(z.string()), score: z.number() }), tools: { weather } });`,
      ``,
    ].join("\n"),
  );
  const { options } = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram([file], { ...options, noEmit: true });
  const errors = program.getSemanticDiagnostics(program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  return { instantiations: program.getInstantiationCount(), errors };
};

/** Measured 1,321 with `$ZodType` (TypeScript 5.9) and 78,758 with the classic `z.ZodType`. */
const AGENT_SCHEMA_LIMIT = 10_000;
const agentSchema = agentSchemaCost();
const agentMeasured = `An agent with a zod output schema and a tool, in a new checker: ${agentSchema.instantiations.toLocaleString("en-US")} instantiations`;
if (agentSchema.errors.length > 0 || agentSchema.instantiations > AGENT_SCHEMA_LIMIT) {
  console.error(
    `${agentMeasured} (limit ${AGENT_SCHEMA_LIMIT.toLocaleString("en-US")})${agentSchema.errors.length > 0 ? `, and type errors:\n  ${agentSchema.errors.join("\n  ")}` : ""}.\n` +
      "Agents' and tools' schemas are typed as zod's core $ZodType (ZodSchema in src/agents/tool.ts): relating them to the classic z.ZodType costs this much.",
  );
  process.exit(1);
}
console.log(`${agentMeasured} (limit ${AGENT_SCHEMA_LIMIT.toLocaleString("en-US")}).`);

// Under type-tests/, not bench/: a program under bench/ resolves "effect" from bench/node_modules when the
// benchmarks' dependencies are installed (another version, for the peers), which changed the count by thousands.
const project = writeProgram("chain", STEPS, { directory: join(root, "type-tests/.tmp/instantiations") });
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
