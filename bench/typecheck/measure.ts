/**
 * Type-checks one generated pipeline with `tsc --noEmit --extendedDiagnostics`
 * and reads the compiler's statistics. Used by run.ts (the table) and by
 * type-tests/instantiations.mjs (the threshold check).
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generate, type Shape } from "./generate.js";
import { generatePeer, type Library } from "./peers.js";

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const tscOf = (packageName: string): string =>
  join(dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`)), "bin/tsc");

/** The compilers measured, by the name tables show: typescript, and TypeScript 7 installed as typescript7. */
export const compilers = {
  "5.9": tscOf("typescript"),
  "7": tscOf("typescript7"),
} as const;

export type Compiler = keyof typeof compilers;

/** What `--extendedDiagnostics` reports about one program. */
export interface Statistics {
  readonly instantiations: number;
  readonly types: number;
  readonly memoryKb: number;
  readonly checkSeconds: number;
  /** The error lines of the compiler's output, if any. */
  readonly errors: ReadonlyArray<string>;
}

/** Where a program is written, and which sources it type-checks against. */
export interface ProgramOptions {
  /** A directory inside the repository, so `effect` resolves from its node_modules. */
  readonly directory: string;
  /** The library's source folder, relative to the repository root (`src`, or a copy to compare). */
  readonly source?: string;
  /** Whose program to write: stepgraph's (the default), or a peer's from peers.ts, which must then be under bench/. */
  readonly library?: Library;
}

const posix = (path: string): string => path.split("\\").join("/");

/**
 * Writes a generated program and a tsconfig that extends the repository's,
 * so it is checked with the options the library is written for. Returns the
 * tsconfig's path.
 */
export const writeProgram = (shape: Shape, steps: number, { directory, source = "src", library = "stepgraph" }: ProgramOptions): string => {
  mkdirSync(directory, { recursive: true });
  const name = library === "stepgraph" ? `${shape}-${steps}` : `${library}-${shape}-${steps}`;
  const specifier = posix(relative(directory, join(root, source, "index.js")));
  const text =
    library === "stepgraph"
      ? generate(shape, steps, { library: specifier.startsWith(".") ? specifier : `./${specifier}` })
      : generatePeer(library, shape, steps);
  writeFileSync(join(directory, `${name}.ts`), text);
  const project = join(directory, `tsconfig.${name}.json`);
  const config = {
    extends: posix(relative(directory, join(root, "tsconfig.json"))),
    compilerOptions: { noEmit: true, declaration: false },
    include: [],
    files: [`${name}.ts`],
  };
  writeFileSync(project, `${JSON.stringify(config, null, 2)}\n`);
  return project;
};

const execFileAsync = promisify(execFile);

/** Reads one `Name: value` line of the report. */
const statistic = (report: string, name: string): string => {
  const match = new RegExp(`^${name}:\\s+(\\S+)`, "m").exec(report);
  if (match?.[1] === undefined) throw new Error(`The compiler's report has no "${name}" line:\n${report}`);
  return match[1];
};

/** Parses the report of `tsc --extendedDiagnostics`, which reads the same under TypeScript 5.9 and 7. */
export const parseReport = (report: string): Statistics => ({
  instantiations: Number(statistic(report, "Instantiations")),
  types: Number(statistic(report, "Types")),
  memoryKb: Number(statistic(report, "Memory used").replace(/K$/, "")),
  checkSeconds: Number(statistic(report, "Check time").replace(/s$/, "")),
  errors: report.split("\n").filter((line) => /error TS\d+/.test(line)),
});

/**
 * Type-checks a project; type errors are part of the result, not a failure of
 * the measurement. So is a compiler that crashes (a stack overflow on a long
 * program): its counts are then unknown (`NaN`) and its one "error" says why.
 */
export const typeCheck = async (compiler: Compiler, project: string): Promise<Statistics> => {
  let report: string;
  try {
    ({ stdout: report } = await execFileAsync(process.execPath, [compilers[compiler], "-p", project, "--extendedDiagnostics"], {
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: unknown; stderr?: unknown };
    if (typeof stdout === "string" && stdout.includes("Instantiations:")) {
      report = stdout;
    } else if (typeof stderr === "string" && /RangeError|FATAL|panic|out of memory/i.test(stderr)) {
      const cause = stderr.split("\n").find((line) => /RangeError|FATAL|panic|out of memory/i.test(line))!.trim();
      return { instantiations: Number.NaN, types: Number.NaN, memoryKb: Number.NaN, checkSeconds: Number.NaN, errors: [`the compiler crashed: ${cause}`] };
    } else {
      throw error;
    }
  }
  return parseReport(report);
};
