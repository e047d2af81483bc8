/**
 * W6: type-check cost, produced by bench/typecheck (another part of the
 * suite). Run as a child process; its printed table is copied into
 * RESULTS.md verbatim, and read back here only to check the issue's two
 * W6 targets: instantiations grow linearly with the step count, and 400
 * steps type-check without errors.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runTsChild } from "../lib/child.js";
import type { TargetCheck, WorkloadReport } from "../lib/report-types.js";

const SCRIPT = fileURLToPath(new URL("../typecheck/run.ts", import.meta.url));

/**
 * How much the instantiations one more step costs may grow between the two
 * smallest and the two largest programs and still count as linear. Counts
 * are deterministic, so this is not noise allowance: it admits the small
 * growth of longer generated ids and nothing like a quadratic term (which
 * doubles the marginal cost each time the step count doubles).
 */
const LINEAR_TOLERANCE = 1.25;

interface Row {
  readonly cells: Readonly<Record<string, string>>;
}

/** The first Markdown table in `text`, as rows keyed by lower-cased header. */
export const parseTable = (text: string): Row[] => {
  const lines = text.split("\n").map((line) => line.trim());
  const start = lines.findIndex((line) => line.startsWith("|"));
  if (start < 0) return [];
  const block: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith("|")) break;
    block.push(line);
  }
  const split = (line: string) => line.slice(1, line.endsWith("|") ? -1 : undefined).split("|").map((cell) => cell.trim());
  const header = split(block[0]!).map((title) => title.toLowerCase());
  return block
    .slice(1)
    .filter((line) => !/^\|[\s|:-]+\|?$/.test(line))
    .map((line) => {
      const cells = split(line);
      return { cells: Object.fromEntries(header.map((title, index) => [title, cells[index] ?? ""])) };
    });
};

const number = (cell: string | undefined): number => Number((cell ?? "").replace(/[^0-9.]/g, ""));

/** The rows about stepgraph's own pipelines (the table may also measure peers' equivalents). */
const stepgraphRows = (rows: ReadonlyArray<Row>): Row[] =>
  rows.filter((row) => {
    const library = row.cells.library ?? row.cells.engine ?? row.cells.contender;
    if (library !== undefined) return library.toLowerCase().includes("stepgraph");
    return !Object.values(row.cells).some((cell) => /mastra|langgraph/i.test(cell));
  });

export const typecheckTargets = (stdout: string): TargetCheck[] => {
  const rows = stepgraphRows(parseTable(stdout));
  const usable = rows.length > 0 && ["steps", "shape", "instantiations", "errors"].every((column) => column in rows[0]!.cells);
  if (!usable) {
    return [
      { target: "instantiations linear in step count", measured: "bench/typecheck printed no table this suite could read", met: undefined },
      { target: "400 steps type-check without errors", measured: "bench/typecheck printed no table this suite could read", met: undefined },
    ];
  }
  const series = new Map<string, { steps: number; instantiations: number }[]>();
  for (const row of rows) {
    const key = `${row.cells.shape}${row.cells.compiler === undefined ? "" : ` ${row.cells.compiler}`}`;
    (series.get(key) ?? series.set(key, []).get(key)!).push({ steps: number(row.cells.steps), instantiations: number(row.cells.instantiations) });
  }
  const growth = [...series].flatMap(([key, points]) => {
    const sorted = [...points].sort((a, b) => a.steps - b.steps);
    if (sorted.length < 3) return [];
    const perStep = (from: (typeof sorted)[number], to: (typeof sorted)[number]) => (to.instantiations - from.instantiations) / (to.steps - from.steps);
    const small = perStep(sorted[0]!, sorted[1]!);
    const large = perStep(sorted[sorted.length - 2]!, sorted[sorted.length - 1]!);
    return [{ key, small, large, ratio: large / small, range: `${sorted[0]!.steps}→${sorted[1]!.steps} vs ${sorted[sorted.length - 2]!.steps}→${sorted[sorted.length - 1]!.steps} steps` }];
  });
  const at400 = rows.filter((row) => number(row.cells.steps) === 400);
  const errors = at400.reduce((total, row) => total + number(row.cells.errors), 0);
  const thousands = (value: number) => Math.round(value).toLocaleString("en-US");
  return [
    {
      target: `instantiations linear in step count ("met" = the instantiations each added step costs grow by at most ${LINEAR_TOLERANCE}x from the smallest to the largest programs)`,
      measured:
        growth.length === 0
          ? "fewer than 3 step counts measured"
          : `per added step, ${growth[0]!.range}: ${growth.map((entry) => `${entry.key} ${thousands(entry.small)} → ${thousands(entry.large)} (${entry.ratio.toFixed(2)}x)`).join("; ")}`,
      met: growth.length === 0 ? undefined : growth.every((entry) => entry.ratio <= LINEAR_TOLERANCE),
    },
    {
      target: "400 steps type-check without errors",
      measured: at400.length === 0 ? "400 steps not measured" : `${errors} errors in ${at400.length} programs of 400 steps`,
      met: at400.length === 0 ? undefined : errors === 0,
    },
  ];
};

export const runW6 = async (options: { readonly timeoutMs: number; readonly skip: boolean }): Promise<WorkloadReport> => {
  const started = performance.now();
  const base = { id: "W6", title: "Type-check cost of long pipelines (bench/typecheck)", tables: [] };
  const notChecked = typecheckTargets("").map((check) => ({ ...check, measured: "not measured (W6 not run)" }));
  if (options.skip) {
    return { ...base, targets: notChecked, method: "skipped (--skip-typecheck)", notes: ["Skipped on request; run `npm run bench:types`."], data: { skipped: true }, seconds: 0 };
  }
  if (!existsSync(SCRIPT)) {
    return { ...base, targets: notChecked, method: "not available", notes: ["bench/typecheck/run.ts does not exist, so type-check cost is not measured here."], data: { missing: true }, seconds: 0 };
  }
  const { code, stdout, stderr, timedOut } = await runTsChild(SCRIPT, [], options.timeoutMs);
  const status = timedOut
    ? `killed after ${options.timeoutMs / 1000} s`
    : code === 0
      ? "exit 0 (every target it checks met)"
      : `exit ${code} (a target it checks was missed or a program had type errors; see its output)`;
  return {
    ...base,
    targets: typecheckTargets(stdout),
    method: "`tsx bench/typecheck/run.ts` (defaults), run as a child process after the runtime workloads; its output is copied below as printed. Instantiation and type counts are deterministic; times are not.",
    notes: [`bench/typecheck/run.ts: ${status}.`, ...(stdout.trim() === "" ? [`No output. stderr tail: ${stderr.trim().split("\n").slice(-5).join(" / ")}`] : [])],
    data: { exitCode: code, timedOut, stdout },
    seconds: (performance.now() - started) / 1000,
    verbatim: stdout.trim(),
  };
};
