/**
 * The core issue's figures for stepgraph, the naive Effect scheduler and the
 * Promise floor: W2's makespan over the critical path, and W3's overhead per
 * step on the chain and the wide shape (its join reading every dependency,
 * and beside it reading none). All three contenders run in the same child
 * process per workload, so the rows compare.
 */
import type { IsolatedOutcome } from "./isolated.js";
import type { Table } from "./report-types.js";
import { formatSummary, mapSummary, type Summary } from "./stats.js";

export const coreIssueTable = (
  w2: { readonly outcome: IsolatedOutcome; readonly criticalPathMs: number } | undefined,
  w3: { readonly chain: IsolatedOutcome; readonly wide: IsolatedOutcome; readonly "wide-reads-none"?: IsolatedOutcome } | undefined,
): Table => {
  const cell = (summary: Summary | undefined, digits: number) => (summary === undefined ? "–" : formatSummary(summary, digits));
  return {
    columns: [
      "contender",
      "W2: 100-step DAG, makespan / critical path",
      "W3: chain, µs/step",
      "W3: wide, sink reads every dependency, µs/step",
      "W3: wide, sink reads none, µs/step",
    ],
    rows: ["stepgraph", "naive-effect", "promise-floor"].map((name) => {
      const makespan = w2?.outcome.figures.get(name)?.summary;
      return [
        name,
        cell(makespan === undefined ? undefined : mapSummary(makespan, (value) => value / w2!.criticalPathMs), 3),
        cell(w3?.chain.figures.get(name)?.summary, 2),
        cell(w3?.wide.figures.get(name)?.summary, 2),
        cell(w3?.["wide-reads-none"]?.figures.get(name)?.summary, 2),
      ];
    }),
  };
};
