/**
 * Measures what the builder's types cost the compiler: generates long
 * pipelines (generate.ts) and the same shapes for Mastra and LangGraph.js
 * (peers.ts), type-checks each under TypeScript 5.9 and 7 (measure.ts), and
 * prints two Markdown tables: every program's statistics (stepgraph's rows
 * first at each size), then the instantiations each added step costs between
 * consecutive sizes, which stays flat when the cost is linear. Instantiation
 * and type counts are deterministic; memory and times are not. Exits non-zero
 * when a stepgraph program has type errors or exceeds an instantiation
 * target; a peer's errors are reported, not a failure of the run.
 *
 *   npm run bench:types
 *   npx tsx bench/typecheck/run.ts --steps 400 --shapes fan-in --compilers 5.9 --libraries stepgraph
 *   npx tsx bench/typecheck/run.ts --src bench/.tmp/src-variant   # measure a copy of src/
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Shape } from "./generate.js";
import { compilers, root, typeCheck, writeProgram, type Compiler, type Statistics } from "./measure.js";
import { libraries, type Library } from "./peers.js";

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
  readonly library: Library;
  readonly steps: number;
  readonly shape: Shape;
  readonly compiler: Compiler;
}

const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: "50,100,200,400" },
    shapes: { type: "string", default: "chain,fan-in" },
    compilers: { type: "string", default: "5.9,7" },
    libraries: { type: "string", default: libraries.join(",") },
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

/** A count, or "—" when the compiler crashed before reporting it. */
const thousands = (value: number): string => (Number.isNaN(value) ? "—" : value.toLocaleString("en-US"));

const targetCell = (measurement: Measurement): string => {
  const target = targets[`${measurement.shape}-${measurement.steps}`];
  if (target === undefined || measurement.compiler !== "5.9" || measurement.library !== "stepgraph") return "";
  return `${measurement.instantiations <= target ? "ok" : "OVER"} (≤ ${thousands(target)})`;
};

/** A Markdown table whose first `textColumns` columns are left-aligned and the rest right-aligned. */
const markdown = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, textColumns: number): string => {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: ReadonlyArray<string>): string =>
    `| ${cells.map((cell, column) => (column < textColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(line)].join("\n");
};

const table = (measurements: ReadonlyArray<Measurement>): string =>
  markdown(
    ["steps", "shape", "library", "compiler", "instantiations", "types", "memory", "check time", "errors", "TS 5.9 target"],
    measurements.map((m) => [
      String(m.steps),
      m.shape,
      m.library,
      `TS ${m.compiler}`,
      thousands(m.instantiations),
      thousands(m.types),
      `${thousands(Math.round(m.memoryKb / 1024))} MB`,
      Number.isNaN(m.checkSeconds) ? "—" : `${m.checkSeconds.toFixed(2)} s`,
      String(m.errors.length),
      targetCell(m),
    ]),
    4,
  );

/**
 * The instantiations each added step costs between consecutive sizes, per
 * library, shape and compiler: flat when the cost is linear, doubling with
 * the size when it is quadratic. A step between two programs of which one
 * has errors is marked, since an error can cut checking short.
 */
const perStepTable = (measurements: ReadonlyArray<Measurement>): string => {
  const sizes = [...new Set(measurements.map((m) => m.steps))].sort((a, b) => a - b);
  const spans = sizes.slice(1).map((to, index) => [sizes[index]!, to] as const);
  const series = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.shape}|${m.library}|${m.compiler}`;
    (series.get(key) ?? series.set(key, []).get(key)!).push(m);
  }
  const rows = [...series.values()].map((points) => {
    const at = (steps: number) => points.find((m) => m.steps === steps);
    const cells = spans.map(([from, to]) => {
      const [a, b] = [at(from), at(to)];
      if (a === undefined || b === undefined || Number.isNaN(a.instantiations) || Number.isNaN(b.instantiations)) return "—";
      const cost = thousands(Math.round((b.instantiations - a.instantiations) / (to - from)));
      return a.errors.length + b.errors.length > 0 ? `${cost} (errors)` : cost;
    });
    return [points[0]!.shape, points[0]!.library, `TS ${points[0]!.compiler}`, ...cells];
  });
  return markdown(["shape", "library", "compiler", ...spans.map(([from, to]) => `per step, ${from}→${to}`)], rows, 3);
};

const main = async (): Promise<void> => {
  const steps = args.steps.split(",").map(Number);
  if (steps.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new Error(`--steps takes whole numbers of at least 1, separated by commas; got "${args.steps}".`);
  }
  const shapes = listOf(args.shapes, ["chain", "fan-in"] as const, "shape");
  const chosen = listOf(args.compilers, Object.keys(compilers) as Compiler[], "compiler");
  const measured = listOf(args.libraries, libraries, "library");
  // The peers' programs import from bench/node_modules, so they are written under bench/.
  const directory = resolve(root, args.out);
  rmSync(directory, { recursive: true, force: true });

  // One program at a time, so check times are not skewed by a neighbour.
  const measurements: Measurement[] = [];
  for (const count of steps) {
    for (const shape of shapes) {
      for (const library of measured) {
        const project = writeProgram(shape, count, { directory, source: args.src, library });
        for (const compiler of chosen) {
          const measurement = { library, steps: count, shape, compiler, ...(await typeCheck(compiler, project)) };
          measurements.push(measurement);
          process.stderr.write(`${library} ${shape} ${count} TS ${compiler}: ${thousands(measurement.instantiations)} instantiations\n`);
        }
      }
    }
  }
  console.log(table(measurements));
  console.log(`\nInstantiations each added step costs (from the table above; stepgraph's counts also include checking its own sources, the peers' only their .d.ts):\n`);
  console.log(perStepTable(measurements));

  const failed = measurements.filter((m) => m.errors.length > 0);
  if (failed.length > 0) console.log(`\nPrograms with errors (the first of each):\n`);
  for (const m of failed) {
    console.log(`- ${m.library} ${m.shape} ${m.steps}, TS ${m.compiler}, ${m.errors.length} error(s): ${m.errors[0]!.replace(/^.*?\.ts\(/, "(")}`);
  }
  const over = measurements.filter((m) => targetCell(m).startsWith("OVER"));
  if (failed.some((m) => m.library === "stepgraph") || over.length > 0) process.exitCode = 1;
};

await main();
