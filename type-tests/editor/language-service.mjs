/**
 * Drives TypeScript 5.9's language service in-process, as an editor does:
 * one scratch file under .tmp/ (on disk too, so TypeScript 7's server sees
 * the same project), checked with type-tests/editor/tsconfig.json.
 *
 * A source may hold one `/*|*\/` marker: the cursor for completions and
 * hovers. It is removed before the text is checked.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ts = createRequire(import.meta.url)("typescript");
export const scratch = join(here, ".tmp");
export const CURSOR = "/*|*/";

/** The source without its cursor marker, and the cursor's offset (-1 without one). */
export const withoutCursor = (source) => ({ text: source.replace(CURSOR, ""), cursor: source.indexOf(CURSOR) });

/** Diagnostic text as a person reads it (TypeScript escapes quotes inside string literal types). */
export const readable = (messageText) => ts.flattenDiagnosticMessageText(messageText, "\n").replaceAll('\\"', '"');

/** Writes a scratch file (so both compilers read the same project) into `directory` (default .tmp/) and returns its path. */
export const writeScratch = (name, text, directory = scratch) => {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, name);
  writeFileSync(file, text);
  return file;
};

const parseConfig = (tsconfig) =>
  ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(readable(diagnostic.messageText));
    },
  });

/**
 * One language service over a set of in-memory files; `open` replaces a file's text as a keystroke would.
 * By default the files are written to .tmp/ and checked with type-tests/editor/tsconfig.json; `directory`
 * names another project, whose tsconfig.json is there (bench/editor uses it for a project that imports
 * the built package).
 */
export const createEditor = ({ directory } = {}) => {
  const parsed = parseConfig(directory === undefined ? join(here, "tsconfig.json") : join(directory, "tsconfig.json"));
  const root = directory ?? here;
  const files = new Map();
  const host = {
    getCompilationSettings: () => parsed.options,
    getScriptFileNames: () => [...files.keys()],
    getScriptVersion: (file) => String(files.get(file)?.version ?? 0),
    getScriptSnapshot: (file) => {
      const open = files.get(file);
      if (open !== undefined) return ts.ScriptSnapshot.fromString(open.text);
      const text = ts.sys.readFile(file);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (file) => files.has(file) || ts.sys.fileExists(file),
    readFile: (file) => files.get(file)?.text ?? ts.sys.readFile(file),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());

  const open = (name, source) => {
    const { text, cursor } = withoutCursor(source);
    const file = writeScratch(name, text, directory);
    files.set(file, { text, version: (files.get(file)?.version ?? 0) + 1 });
    return { file, text, cursor };
  };

  /** The errors of a file, each with its message, its line count and the text it underlines. */
  const diagnostics = ({ file, text }) =>
    [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)].map((diagnostic) => {
      const message = readable(diagnostic.messageText);
      return {
        code: diagnostic.code,
        message,
        lines: message.split("\n").length,
        underlined: text.slice(diagnostic.start, diagnostic.start + diagnostic.length),
        line: text.slice(0, diagnostic.start).split("\n").length,
        related: (diagnostic.relatedInformation ?? []).map((related) => readable(related.messageText)),
      };
    });

  /** The names offered at the cursor. */
  const completions = ({ file, cursor }) =>
    (service.getCompletionsAtPosition(file, cursor, { includeCompletionsWithInsertText: true })?.entries ?? []).map(
      (entry) => entry.name,
    );

  /** The hover text at the cursor. */
  const hover = ({ file, cursor }) => ts.displayPartsToString(service.getQuickInfoAtPosition(file, cursor)?.displayParts ?? []);

  /** The parameter signature help shows at the cursor, as `name: type`. */
  const signatureParameter = ({ file, cursor }) => {
    const help = service.getSignatureHelpItems(file, cursor, {});
    const parameter = help?.items[help.selectedItemIndex]?.parameters[help.argumentIndex];
    return parameter === undefined ? "" : ts.displayPartsToString(parameter.displayParts);
  };

  return { service, open, diagnostics, completions, hover, signatureParameter };
};

export const version = ts.version;
