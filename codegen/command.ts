/**
 * The `stepgraph` command line: argument parsing, messages and exit codes.
 *
 * Exit codes: 0 when done (warnings alone do not fail the run unless
 * `--strict`); 1 when a given path does not exist, when `--check` finds the
 * output out of date, when ts-morph is not installed, or with `--strict`
 * when there are warnings or a named file yields no pipeline; 2 for a usage
 * error.
 *
 * This file imports nothing that needs ts-morph: help and usage errors work
 * without it, and the generator (./docs.ts, which does) is loaded only once
 * the arguments ask for a run.
 */
import { parseArgs } from "node:util";
import type { Format } from "./render/pages.js";

/** Where the command writes its messages. */
export interface CommandIO {
  readonly cwd: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The generator module, loaded on demand. */
export type DocsModule = typeof import("./docs.js");

/** Loads the generator; `undefined` when ts-morph, which it reads sources with, is not installed. */
export type DocsLoader = () => Promise<DocsModule | undefined>;

/** The usage text. */
export const USAGE = `Usage: stepgraph docs <files or folders...> [options]

Writes one page per pipeline (and router) declared in the given TypeScript or
JavaScript sources, read statically: no user code runs.

Options:
  --out <dir>        output folder (default: docs/pipelines)
  --format <format>  md (default: pages and index.md), json (the Graph of p.graph()) or mermaid (.mmd)
  --check            write nothing; exit 1 if the output folder is not what the sources produce
  --strict           exit 1 if anything could not be resolved statically, or a named file has no pipeline
  --tsconfig <file>  tsconfig for module resolution (its file list is not used)
  -h, --help         show this help`;

/** What to print when ts-morph cannot be loaded. */
export const MISSING_TS_MORPH =
  "stepgraph docs reads your source with ts-morph, which is not installed. Install it next to stepgraph: npm install --save-dev ts-morph";

const FORMATS: ReadonlySet<string> = new Set<Format>(["md", "json", "mermaid"]);

const parse = (argv: ReadonlyArray<string>) =>
  parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: "string", default: "docs/pipelines" },
      format: { type: "string", default: "md" },
      check: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      tsconfig: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });

const isMissingModule = (error: unknown, name: string): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && typeof message === "string" && message.includes(`'${name}'`);
};

/** Loads ./docs.ts after checking that ts-morph can be loaded. */
export const loadDocs: DocsLoader = async () => {
  try {
    await import("ts-morph");
  } catch (error) {
    if (isMissingModule(error, "ts-morph")) return undefined;
    throw error;
  }
  return import("./docs.js");
};

/**
 * Runs the command line `argv` (without `node` and the script) and returns
 * its exit code. `load` is how the generator is loaded (tests replace it).
 *
 * @example
 * ```ts
 * const code = await main(["docs", "examples", "--check"], { cwd: process.cwd(), stdout: console.log, stderr: console.error });
 * ```
 */
export const main = async (argv: ReadonlyArray<string>, io: CommandIO, load: DocsLoader = loadDocs): Promise<number> => {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0 || (positionals.length === 1 && positionals[0] === "help")) {
    io.stdout(USAGE);
    return 0;
  }
  const [command, ...paths] = positionals;
  if (command !== "docs") {
    io.stderr(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  if (paths.length === 0) {
    io.stderr(`Give the files or folders to document, e.g. \`stepgraph docs src --out docs/pipelines\`.\n\n${USAGE}`);
    return 2;
  }
  if (!FORMATS.has(values.format)) {
    io.stderr(`Unknown format "${values.format}": use md, json or mermaid.`);
    return 2;
  }
  const format = values.format as Format;
  const docs = await load();
  if (docs === undefined) {
    io.stderr(MISSING_TS_MORPH);
    return 1;
  }
  const report = await docs.runDocs({
    paths,
    out: values.out,
    format,
    check: values.check,
    strict: values.strict,
    cwd: io.cwd,
    ...(values.tsconfig === undefined ? {} : { tsconfig: values.tsconfig }),
  });
  for (const diagnostic of report.diagnostics) io.stderr(docs.formatDiagnostic(diagnostic, io.cwd));
  const errors = report.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
  const warnings = report.diagnostics.length - errors;
  let failed = errors > 0 || (values.strict && warnings > 0);

  if (report.difference !== undefined) {
    const { missing, stale, extra } = report.difference;
    if (missing.length + stale.length + extra.length === 0) {
      io.stdout(`${values.out} is up to date (${report.documented} documented).`);
    } else {
      failed = true;
      io.stderr(`${values.out} is out of date:`);
      for (const name of stale) io.stderr(`  stale:   ${name}`);
      for (const name of missing) io.stderr(`  missing: ${name}`);
      for (const name of extra) io.stderr(`  extra:   ${name}`);
      io.stderr(`Run \`stepgraph docs ${paths.join(" ")} --out ${values.out}${format === "md" ? "" : ` --format ${format}`}\` and commit the result.`);
    }
  } else if (report.written !== undefined) {
    const { written, removed, unchanged } = report.written;
    io.stdout(`Documented ${report.documented} in ${values.out}: ${written.length} written, ${removed.length} removed, ${unchanged} unchanged.`);
  }
  if (warnings > 0) io.stderr(`${warnings} warning${warnings === 1 ? "" : "s"}${values.strict ? " (--strict)" : ""}.`);
  return failed ? 1 : 0;
};
