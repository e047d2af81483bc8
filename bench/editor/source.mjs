/**
 * The editor benches' pipeline source (run.mjs, navigation.mjs): a realistic
 * pipeline of `steps` steps (object outputs, two dependencies read per step,
 * every fifth step an agent call with a zod output schema).
 */
export const id = (index) => `s${index}`;

/** The two dependencies step `index` reads (one for step 1). */
export const depsOf = (index) =>
  index === 1 ? [0] : [index - 1, Math.floor(index / 2) - (index % 2 === 0 ? 1 : 0)].filter((d, i, all) => d >= 0 && all.indexOf(d) === i);

/**
 * The pipeline source, importing stepgraph from `library`; `typed` (the character typed, or false) is a
 * keystroke's version, with the completion cursor in the last step's `after`.
 */
export const source = (steps, typed, library = "../../../src/index.js") => {
  const lines = [
    `import { z } from "zod";`,
    `import { agent, pipeline } from "${library}";`,
    `const extractor = agent({ model: "gpt-4o-mini", output: z.object({ entities: z.array(z.string()), score: z.number() }) });`,
    `export const p = pipeline("editor-bench", { input: z.object({ document: z.string() }) })`,
    `  .step("${id(0)}", (ctx) => ({ value0: ctx.input.document.length, label0: "${id(0)}" }))`,
  ];
  for (let index = 1; index < steps; index++) {
    const deps = depsOf(index);
    const last = index === steps - 1;
    // The keystroke's version is being typed: its first id in `after` is an empty string with the cursor in it.
    const after = deps.map((dep, position) => (last && typed && position === 0 ? `"/*|*/"` : `"${id(dep)}"`)).join(", ");
    const reads = deps.map((dep) => `ctx.dep("${id(dep)}").value${dep}`).join(" + ");
    const label = `${id(index)}${last && typed ? typed : ""}`;
    const body =
      index % 5 === 4
        ? `async (ctx) => { const { output } = await ctx.run(extractor, ctx.input.document); return { value${index}: ${reads} + output.score, label${index}: output.entities.join(",") + "${label}" }; }`
        : `(ctx) => ({ value${index}: ${reads}, label${index}: "${label}" })`;
    lines.push(`  .step("${id(index)}", { after: [${after}] }, ${body})`);
  }
  lines[lines.length - 1] += ";";
  return lines.join("\n") + "\n";
};
