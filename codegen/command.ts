/**
 * The `stepgraph` command line: argument parsing, messages and exit codes.
 *
 * Exit codes: 0 when done (warnings alone do not fail the run unless
 * `--strict`); 1 when a given path does not exist, when `--check` finds the
 * output out of date, or with `--strict` when there are warnings; 2 for a
 * usage error.
 */
import { parseArgs } from "node:util";
import { formatDiagnostic, runDocs } from "./docs.js";
import type { Format } from "./render/pages.js";

/** Where the command writes its messages. */
export interface CommandIO {
  readonly cwd: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The usage text. */
export const USAGE = `Usage: stepgraph docs <files or folders...> [options]

Writes one page per pipeline (and router) declared in the given TypeScript
sources, read statically: no user code runs.

Options:
  --out <dir>        output folder (default: docs/pipelines)
  --format <format>  md (default: pages and index.md), json (the Graph of p.graph()) or mermaid (.mmd)
  --check            write nothing; exit 1 if the output folder is not what the sources produce
  --strict           exit 1 if anything could not be resolved statically
  --tsconfig <file>  tsconfig for module resolution (its file list is not used)
  -h, --help         show this help`;

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

/**
 * Runs the command line `argv` (without `node` and the script) and returns
 * its exit code.
 *
 * @example
 * ```ts
 * const code = await main(["docs", "examples", "--check"], { cwd: process.cwd(), stdout: console.log, stderr: console.error });
 * ```
 */
export const main = async (argv: ReadonlyArray<string>, io: CommandIO): Promise<number> => {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const [command, ...paths] = positionals;
  if (command !== "docs") {
    io.stderr(`${command === undefined ? "No command given." : `Unknown command "${command}".`}\n\n${USAGE}`);
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
  const report = await runDocs({
    paths,
    out: values.out,
    format,
    check: values.check,
    cwd: io.cwd,
    ...(values.tsconfig === undefined ? {} : { tsconfig: values.tsconfig }),
  });
  for (const diagnostic of report.diagnostics) io.stderr(formatDiagnostic(diagnostic, io.cwd));
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
