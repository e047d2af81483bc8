/**
 * Measures what the builder's types cost the compiler: generates long
 * pipelines (generate.ts), type-checks each under TypeScript 5.9 and 7
 * (measure.ts), and prints a table. Instantiation and type counts are
 * deterministic; memory and times are not. Exits non-zero when a program has
 * type errors or exceeds an instantiation target.
 *
 *   npm run bench:types
 *   npx tsx bench/typecheck/run.ts --steps 400 --shapes fan-in --compilers 5.9
 *   npx tsx bench/typecheck/run.ts --src bench/.tmp/src-variant   # measure a copy of src/
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Shape } from "./generate.js";
import { compilers, root, typeCheck, writeProgram, type Compiler, type Statistics } from "./measure.js";

/**
 * Instantiation counts of a prototype under TypeScript 5.9, which the builder
 * must not exceed (from the "Scale" issue).
 */
const targets: Partial<Record<`${Shape}-${number}`, number>> = {
  "chain-100": 190_000,
  "chain-200": 462_000,
  "chain-400": 1_490_000,
  "fan-in-400": 1_650_000,
};

interface Measurement extends Statistics {
  readonly steps: number;
  readonly shape: Shape;
  readonly compiler: Compiler;
}

const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: "50,100,200,400" },
    shapes: { type: "string", default: "chain,fan-in" },
    compilers: { type: "string", default: "5.9,7" },
    src: { type: "string", default: "src" },
    out: { type: "string", default: "bench/.tmp/typecheck" },
  },
});

const listOf = <Value extends string>(text: string, allowed: ReadonlyArray<Value>, what: string): Value[] =>
  text.split(",").map((item) => {
    if (!(allowed as ReadonlyArray<string>).includes(item)) {
      throw new Error(`Unknown ${what} "${item}"; use one or more of ${allowed.join(", ")}, separated by commas.`);
    }
    return item as Value;
  });

const thousands = (value: number): string => value.toLocaleString("en-US");

const targetCell = (measurement: Measurement): string => {
  const target = targets[`${measurement.shape}-${measurement.steps}`];
  if (target === undefined || measurement.compiler !== "5.9") return "";
  return `${measurement.instantiations <= target ? "ok" : "OVER"} (≤ ${thousands(target)})`;
};

const table = (measurements: ReadonlyArray<Measurement>): string => {
  const header = ["steps", "shape", "compiler", "instantiations", "types", "memory", "check time", "errors", "TS 5.9 target"];
  const rows = measurements.map((m) => [
    String(m.steps),
    m.shape,
    `TS ${m.compiler}`,
    thousands(m.instantiations),
    thousands(m.types),
    `${thousands(Math.round(m.memoryKb / 1024))} MB`,
    `${m.checkSeconds.toFixed(2)} s`,
    String(m.errors.length),
    targetCell(m),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: ReadonlyArray<string>): string =>
    `| ${cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(line)].join("\n");
};

const main = async (): Promise<void> => {
  const steps = args.steps.split(",").map(Number);
  if (steps.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new Error(`--steps takes whole numbers of at least 1, separated by commas; got "${args.steps}".`);
  }
  const shapes = listOf(args.shapes, ["chain", "fan-in"] as const, "shape");
  const chosen = listOf(args.compilers, Object.keys(compilers) as Compiler[], "compiler");
  const directory = resolve(root, args.out);
  rmSync(directory, { recursive: true, force: true });

  // One program at a time, so check times are not skewed by a neighbour.
  const measurements: Measurement[] = [];
  for (const count of steps) {
    for (const shape of shapes) {
      const project = writeProgram(shape, count, { directory, source: args.src });
      for (const compiler of chosen) {
        const measurement = { steps: count, shape, compiler, ...(await typeCheck(compiler, project)) };
        measurements.push(measurement);
        process.stderr.write(`${shape} ${count} TS ${compiler}: ${thousands(measurement.instantiations)} instantiations\n`);
      }
    }
  }
  console.log(table(measurements));

  const failed = measurements.filter((m) => m.errors.length > 0);
  for (const m of failed) {
    console.log(`\n${m.shape} ${m.steps} under TS ${m.compiler}: ${m.errors.length} type errors, first:\n  ${m.errors.slice(0, 3).join("\n  ")}`);
  }
  const over = measurements.filter((m) => targetCell(m).startsWith("OVER"));
  if (failed.length > 0 || over.length > 0) process.exitCode = 1;
};

await main();
