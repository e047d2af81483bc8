/**
 * A TypeScript 5.9 language service over in-memory files (beside this one, so
 * that they import the library's sources as `../../src/index.js`), decorated
 * by the plugin's own `create(info)` as tsserver does.
 *
 * Sources carry markers: `/*@label*\/` just before a token names the
 * position inside it (several tokens may share a label).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import init from "../../src/ts-plugin/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const MARKER = /\/\*@([\w.]+)\*\//g;

/** A position in a file: the first character of the token after a marker (inside a string literal's quotes). */
export interface Marked {
  readonly label: string;
  readonly file: string;
  readonly position: number;
}

/** A span as the tests compare them: file name (without directory), start and the text. */
export const described = (fileName: string, start: number, length: number, text: string): string =>
  `${fileName.split("/").pop()}:${start}:${text.slice(start, start + length)}`;

export const createProject = (sources: Record<string, string>, { plugin = true }: { plugin?: boolean } = {}) => {
  const files = new Map<string, { text: string; version: number }>();
  const marks: Marked[] = [];
  for (const [name, source] of Object.entries(sources)) {
    const file = join(here, ".virtual", name);
    let text = "";
    let last = 0;
    for (const match of source.matchAll(MARKER)) {
      text += source.slice(last, match.index);
      last = match.index + match[0].length;
      const quoted = source[last] === '"' ? 1 : 0;
      marks.push({ label: match[1]!, file, position: text.length + quoted });
    }
    text += source.slice(last);
    files.set(file, { text, version: 1 });
  }
  const options = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!.options;
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ ...options, noEmit: true }),
    getScriptFileNames: () => [...files.keys()],
    getScriptVersion: (file) => String(files.get(file)?.version ?? 0),
    getScriptSnapshot: (file) => {
      const text = files.get(file)?.text ?? ts.sys.readFile(file);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (settings) => ts.getDefaultLibFilePath(settings),
    fileExists: (file) => files.has(file) || ts.sys.fileExists(file),
    readFile: (file) => files.get(file)?.text ?? ts.sys.readFile(file),
    readDirectory: ts.sys.readDirectory,
    directoryExists: (directory) => directory.startsWith(join(here, ".virtual")) || ts.sys.directoryExists(directory),
    getDirectories: ts.sys.getDirectories,
  };
  const base = ts.createLanguageService(host, ts.createDocumentRegistry());
  const logged: string[] = [];
  const info = {
    languageService: base,
    languageServiceHost: host,
    config: { name: "stepgraph/ts-plugin" },
    project: { projectService: { logger: { info: (message: string) => logged.push(message) } } },
  } as unknown as ts.server.PluginCreateInfo;
  const service = plugin ? init({ typescript: ts }).create(info) : base;

  const textOf = (file: string): string => files.get(file)?.text ?? ts.sys.readFile(file) ?? "";
  const at = (label: string): Marked => {
    const found = marks.filter((mark) => mark.label === label);
    if (found.length !== 1) throw new Error(`marker ${label}: ${found.length} found, expected one`);
    return found[0]!;
  };
  /** Every marked position with this label, described as its token. */
  const spansOf = (label: string): string[] =>
    marks
      .filter((mark) => mark.label === label || mark.label.startsWith(`${label}.`))
      .map((mark) => {
        const text = textOf(mark.file);
        const word = /^[\w-]+/.exec(text.slice(mark.position))?.[0] ?? "";
        return described(mark.file, mark.position, word.length, text);
      })
      .sort();

  const definitions = (mark: Marked): string[] =>
    (service.getDefinitionAndBoundSpan(mark.file, mark.position)?.definitions ?? []).map((d) => described(d.fileName, d.textSpan.start, d.textSpan.length, textOf(d.fileName))).sort();
  const references = (mark: Marked): string[] =>
    (service.findReferences(mark.file, mark.position) ?? [])
      .flatMap((symbol) => symbol.references)
      .map((r) => described(r.fileName, r.textSpan.start, r.textSpan.length, textOf(r.fileName)))
      .sort();
  const renames = (mark: Marked): string[] =>
    (service.findRenameLocations(mark.file, mark.position, false, false, {}) ?? []).map((r) => described(r.fileName, r.textSpan.start, r.textSpan.length, textOf(r.fileName))).sort();

  let applied: readonly ts.RenameLocation[] = [];
  /** Where a marked position is after the last `rename` (moved by the text inserted before it in its file). */
  const moved = (mark: Marked): number =>
    mark.position +
    applied
      .filter((l) => l.fileName === mark.file && l.textSpan.start < mark.position)
      .reduce((sum, l) => sum + (l.prefixText ?? "").length + (l.suffixText ?? "").length, 0);
  /** Applies a rename at `mark` to the in-memory files (the new name must be as long as the old, for `moved`). */
  const rename = (mark: Marked, to: string): void => {
    const locations = service.findRenameLocations(mark.file, mark.position, false, false, { providePrefixAndSuffixTextForRename: true }) ?? [];
    applied = locations;
    for (const [file, entry] of files) {
      const edits = locations.filter((l) => l.fileName === file).sort((a, b) => b.textSpan.start - a.textSpan.start);
      let text = entry.text;
      for (const edit of edits) text = text.slice(0, edit.textSpan.start) + (edit.prefixText ?? "") + to + (edit.suffixText ?? "") + text.slice(edit.textSpan.start + edit.textSpan.length);
      if (edits.length > 0) files.set(file, { text, version: entry.version + 1 });
    }
  };

  /** The errors of every file, as `file:line: message` (first line). */
  const errors = (): string[] =>
    [...files.keys()].flatMap((file) =>
      [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)].map(
        (d) => `${file.split("/").pop()}:${d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0]}`,
      ),
    );

  return { service, base, at, marks, spansOf, definitions, references, renames, rename, moved, errors, textOf, logged, fileOf: (name: string) => join(here, ".virtual", name) };
};
