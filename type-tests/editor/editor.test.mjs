/**
 * Editor promises, checked through the real language services: TypeScript
 * 5.9's LanguageService in-process and TypeScript 7's native server over
 * `tsc --lsp --stdio`, on the sources of cases.mjs. Run by run.mjs
 * (`npm run test:types`); exits non-zero on any broken promise.
 *
 * Usage: node type-tests/editor/editor.test.mjs
 */
import { cases } from "./cases.mjs";
import { createEditor, version } from "./language-service.mjs";
import { startServer, version7 } from "./lsp.mjs";

/** TypeScript 7 escapes the quotes inside string literal types in its messages; 5.9's are unescaped by `readable`. */
const plain = (message) => message.replaceAll('\\"', '"');

const checks = {
  afterTypo: ({ errors }) => {
    one(errors);
    expect(errors[0].underlined === '"extrac"', `underlines "extrac", not ${JSON.stringify(errors[0].underlined)}`);
    expect(errors[0].lines <= 3, `at most 3 lines, not ${errors[0].lines}`);
    expect(plain(errors[0].message).includes(`Did you mean '"extract"'?`), `says Did you mean: ${errors[0].message}`);
  },
  afterTypoOneStep: ({ errors }) => {
    one(errors);
    expect(errors[0].underlined === '"extrac"', `underlines "extrac", not ${JSON.stringify(errors[0].underlined)}`);
    expect(plain(errors[0].message).includes(`'"extract"'`), `names the only id: ${errors[0].message}`);
  },
  duplicateWithOptions: ({ errors }) => {
    one(errors);
    expect(errors[0].underlined === '"extract"', `underlines the id, not ${JSON.stringify(errors[0].underlined)}`);
    expect(plain(errors[0].message).includes(`Step "extract" is already defined in this pipeline`), errors[0].message);
  },
  completeAfter: ({ completions }) => sameSet(completions, ["extract", "classify"]),
  completeOptions: ({ completions }) => {
    const names = completions.map((name) => name.replace(/\?$/, ""));
    for (const option of ["after", "when", "timeout", "retries", "call"]) expect(names.includes(option), `offers ${option}: ${names.join(", ")}`);
    // `call` is an option (the step's call defaults), so Function's other members tell them apart.
    for (const member of ["apply", "bind", "arguments"]) expect(!names.includes(member), `does not offer Function's ${member}`);
  },
  completeDep: ({ completions }) => sameSet(completions, ["extract", "classify"]),
  depOnWhen: ({ errors }) => {
    one(errors);
    expect(errors[0].underlined === '"maybe"', `underlines the id, not ${JSON.stringify(errors[0].underlined)}`);
    expect(plain(errors[0].message).includes(`read it with ctx.depOrUndefined("maybe")`), errors[0].message);
  },
  depNotInAfter: ({ errors }) => {
    one(errors);
    expect(plain(errors[0].message).includes(`add "extract" to after`), errors[0].message);
  },
  effectRequirement: ({ errors, text }) => {
    one(errors);
    const runLine = text.split("\n").findIndex((line) => line.includes("withDb.run(")) + 1;
    expect(errors[0].line === runLine, `the error is on the run line ${runLine}, not line ${errors[0].line}`);
  },
  runWithoutServices: ({ errors }) => {
    one(errors);
    expect(errors[0].underlined === '{ id: "1" }', `underlines the input, not ${JSON.stringify(errors[0].underlined)}`);
    expect(errors[0].lines === 1, `one line, not ${errors[0].lines}`);
    expect(plain(errors[0].message).includes(`run needs { services: { db } }: call run(input, { services })`), `names what run needs: ${errors[0].message}`);
  },
  signatureRunLayer: ({ signature }) =>
    expect(/^options_with_layer_or_runtime\??: /.test(signature) && signature.includes("ProvideOptions<Db>"), `signature help names what run needs: ${signature}`),
};

let failures = [];
let current = "";
const expect = (ok, what) => {
  if (!ok) failures.push(`${current}: ${what}`);
};
const one = (errors) => {
  expect(errors.length === 1, `one error, not ${errors.length}${errors.map((e) => `\n      line ${e.line}: ${e.message.split("\n")[0]}`).join("")}`);
  if (errors.length === 0) errors.push({ underlined: "", lines: 0, message: "", line: 0 });
};
const sameSet = (actual, expected) =>
  expect(actual.length === expected.length && expected.every((name) => actual.includes(name)), `offers ${expected.join(", ")}; offered: ${actual.join(", ")}`);

const started = Date.now();
const editor = createEditor();
const server = await startServer({ timeoutMs: 60_000 });
let checked = 0;
try {
  for (const [label, api] of [[`TS ${version}`, editor], [`TS ${version7}`, server]]) {
    for (const [name, check] of Object.entries(checks)) {
      current = `${label} ${name}`;
      const opened = api.open(`${name}.ts`, cases[name]);
      const errors = await api.diagnostics(opened);
      const completions = opened.cursor >= 0 ? await api.completions(opened) : [];
      const hover = opened.cursor >= 0 ? await api.hover(opened) : "";
      const signature = opened.cursor >= 0 ? await api.signatureParameter(opened) : "";
      check({ errors, completions, hover, signature, text: opened.text });
      checked++;
    }
  }
} finally {
  await server.close();
}
if (failures.length > 0) {
  console.error(`${failures.length} editor promise(s) broken:\n  ${failures.join("\n  ")}`);
  process.exitCode = 1;
} else {
  console.log(`${checked} editor checks hold under TS ${version} (language service) and TS ${version7} (tsc --lsp), ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
