/**
 * Prints what an editor shows in each case of cases.mjs under TS 5.9 (the
 * in-process language service) and TS 7 (`tsc --lsp`): errors (how many,
 * lines, characters, the underlined text, the first line), completions and
 * hovers. The figures in /work/notes/issue-11.md and docs come from it.
 *
 * Usage: node type-tests/editor/measure.mjs [case ...]
 */
import { cases } from "./cases.mjs";
import { createEditor, version } from "./language-service.mjs";
import { startServer, version7 } from "./lsp.mjs";

const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(cases);
const editor = createEditor();
const server = await startServer();

const describe = (errors) =>
  errors.map((e) => `    ${e.lines} lines, ${e.message.length} chars, line ${e.line}, underlines ${JSON.stringify(e.underlined.slice(0, 40))}: ${e.message.split("\n")[0].slice(0, 160)}`).join("\n");

for (const name of names) {
  const source = cases[name];
  console.log(`\n## ${name}`);
  for (const [label, api] of [[`TS ${version}`, editor], [`TS ${version7}`, server]]) {
    const opened = api.open(`${name}.ts`, source);
    const errors = await api.diagnostics(opened);
    console.log(`  ${label}: ${errors.length} error(s)${errors.length ? "\n" + describe(errors) : ""}`);
    if (opened.cursor >= 0) {
      const completions = await api.completions(opened);
      const hover = await api.hover(opened);
      console.log(`    completions (${completions.length}): ${completions.slice(0, 12).join(", ")}`);
      console.log(`    hover (${hover.length} chars): ${hover.slice(0, 300).replaceAll("\n", " ")}`);
    }
  }
}
await server.close();
