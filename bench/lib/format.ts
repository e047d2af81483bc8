/**
 * Table cells shared by several workloads.
 */
import type { Contender } from "./contender.js";
import type { Table } from "./report-types.js";
import { formatSummary, mapSummary, type Summary } from "./stats.js";

export const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The makespan table: raw makespan, makespan over the critical path, and the median's ratio to the floor's. */
export const makespanTable = (
  contenders: ReadonlyArray<Contender>,
  makespans: ReadonlyMap<string, Summary>,
  failed: ReadonlyMap<string, string>,
  criticalPathMs: number,
): Table => {
  const floor = makespans.get("promise-floor");
  return {
    columns: ["contender", "role", "makespan ms, median (min–max)", "makespan / critical path", "median vs floor"],
    rows: contenders.map((contender) => {
      const summary = makespans.get(contender.name);
      if (summary === undefined) {
        return [contender.name, contender.role, `failed: ${failed.get(contender.name) ?? "not run"}`, "–", "–"];
      }
      return [
        contender.name,
        contender.role,
        formatSummary(summary, 1),
        formatSummary(mapSummary(summary, (value) => value / criticalPathMs), 3),
        floor === undefined ? "–" : `${(summary.median / floor.median).toFixed(3)}x`,
      ];
    }),
  };
};

export const summaryJson = (summary: Summary | undefined) =>
  summary === undefined ? undefined : { median: summary.median, min: summary.min, max: summary.max, samples: summary.samples };
