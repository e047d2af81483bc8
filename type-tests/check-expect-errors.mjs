/**
 * Checks that every `// @ts-expect-error` in expect-error/ guards exactly one
 * error, on the line below it, by type-checking those files (TypeScript 5.9,
 * compiler API) with the markers removed. tsc already fails on a marker with
 * no error below it; this also catches a line with two errors, where one
 * marker would hide an unintended second error.
 *
 * A marker may say what its error must read, checked under TypeScript 5.9
 * only (messages differ between compiler versions, so no full texts):
 *
 *   // @ts-expect-error says `Did you mean '"extract"'?`
 *
 * Usage: node type-tests/check-expect-errors.mjs
 */
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ts = createRequire(import.meta.url)("typescript");

const MARKER = /^\s*\/\/\s*@ts-expect-error\b(.*)$/;
const SAYS = /\bsays\s+`([^`]+)`/;

/** The marked lines of one file, and its text with the markers blanked out (line numbers kept). */
const unmark = (text) => {
  const lines = text.split("\n");
  const marks = [];
  lines.forEach((line, index) => {
    const match = MARKER.exec(line);
    if (match === null) return;
    marks.push({ line: index + 1, says: SAYS.exec(match[1])?.[1] });
    lines[index] = "";
  });
  return { text: lines.join("\n"), marks };
};

/** Diagnostic text as a person reads it: TypeScript escapes quotes inside string literal types. */
const readable = (diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n").replaceAll('\\"', '"');

/** The message with its related information (what an editor shows beneath it, such as "An argument for 'x' was not provided"). */
const readableWithRelated = (diagnostic) => [readable(diagnostic), ...(diagnostic.relatedInformation ?? []).map(readable)].join("\n");

const main = () => {
  const configPath = join(here, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(readable(diagnostic));
    },
  });
  const files = config.fileNames.filter((file) => file.includes("/expect-error/"));
  if (files.length === 0) throw new Error(`No files under ${join(here, "expect-error")}; is the tsconfig include right?`);

  const unmarked = new Map(files.map((file) => [file, unmark(ts.sys.readFile(file))]));
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const replaced = unmarked.get(fileName);
    return replaced === undefined
      ? getSourceFile(fileName, languageVersion, ...rest)
      : ts.createSourceFile(fileName, replaced.text, languageVersion, true);
  };
  const program = ts.createProgram({ rootNames: files, options: config.options, host });

  const problems = [];
  let checked = 0;
  for (const file of files) {
    const name = relative(here, file);
    const source = program.getSourceFile(file);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const byLine = new Map();
    for (const diagnostic of diagnostics) {
      const line = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1;
      byLine.set(line, [...(byLine.get(line) ?? []), diagnostic]);
    }
    const { marks } = unmarked.get(file);
    for (const { line, says } of marks) {
      checked++;
      const found = byLine.get(line + 1) ?? [];
      byLine.delete(line + 1);
      if (found.length !== 1) {
        const detail = found.map((d) => `\n      TS${d.code}: ${readable(d).split("\n")[0]}`).join("");
        problems.push(`${name}:${line + 1}: expected exactly one error below the marker, found ${found.length}${detail}`);
      } else if (says !== undefined && !readableWithRelated(found[0]).includes(says)) {
        problems.push(`${name}:${line + 1}: the error should contain \`${says}\`; it reads:\n      ${readableWithRelated(found[0])}`);
      }
    }
    for (const [line, found] of byLine) {
      for (const diagnostic of found) {
        problems.push(`${name}:${line}: an error no marker expects: TS${diagnostic.code}: ${readable(diagnostic).split("\n")[0]}`);
      }
    }
  }

  if (problems.length > 0) {
    console.error(`${problems.length} problem(s) with @ts-expect-error markers:\n  ${problems.join("\n  ")}`);
    process.exitCode = 1;
    return;
  }
  const messages = [...unmarked.values()].flatMap(({ marks }) => marks).filter((mark) => mark.says !== undefined).length;
  console.log(`${checked} markers in ${files.length} files each guard exactly one error; ${messages} messages read as expected (TS ${ts.version}).`);
};

main();
