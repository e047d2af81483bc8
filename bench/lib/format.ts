/**
 * Table cells and results.json shapes shared by several workloads.
 */
import type { Contender } from "./contender.js";
import type { IsolatedOutcome } from "./isolated.js";
import type { Table } from "./report-types.js";
import { formatSummary, mapSummary, type Summary } from "./stats.js";

export const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** Said under every table built from child processes, so nobody divides figures taken from different processes. */
export const PROCESS_NOTE =
  "stepgraph, naive-effect, promise-floor and level-by-level ran together in one child process; each peer ran in a child of its own beside stepgraph and the floor, and a peer's ratios are to the stepgraph and floor figures of its own process.";

/** The makespan table: raw makespan, makespan over the critical path, and the median's ratio to the floor's (same process). */
export const makespanTable = (contenders: ReadonlyArray<Contender>, outcome: IsolatedOutcome, criticalPathMs: number): Table => ({
  columns: ["contender", "role", "makespan ms, median (min–max)", "makespan / critical path", "median vs floor"],
  rows: contenders.map((contender) => {
    const figure = outcome.figures.get(contender.name);
    if (figure === undefined) {
      return [contender.name, contender.role, `failed: ${outcome.failed.get(contender.name) ?? "not run"}`, "–", "–"];
    }
    return [
      contender.name,
      contender.role,
      formatSummary(figure.summary, 1),
      formatSummary(mapSummary(figure.summary, (value) => value / criticalPathMs), 3),
      figure.floor === undefined ? "–" : `${(figure.summary.median / figure.floor.median).toFixed(3)}x`,
    ];
  }),
});

export const summaryJson = (summary: Summary | undefined) =>
  summary === undefined ? undefined : { median: summary.median, min: summary.min, max: summary.max, samples: summary.samples };

/** An isolated outcome for results.json: each reported figure, failures, and every child's raw output. */
export const isolatedJson = (outcome: IsolatedOutcome) => ({
  figures: Object.fromEntries(
    [...outcome.figures].map(([name, figure]) => [
      name,
      {
        ...summaryJson(figure.summary),
        sameProcess: { stepgraphMedian: figure.stepgraph?.median, floorMedian: figure.floor?.median },
        ...(figure.runsPerSample === undefined ? {} : { runsPerSample: summaryJson(figure.runsPerSample) }),
      },
    ]),
  ),
  failed: Object.fromEntries(outcome.failed),
  processes: outcome.processes,
});
