/**
 * W1: the diamond, extract -> (classify, entities) -> generate ->
 * validate, with 50/30/40/100/20 ms of simulated latency. Every scheduler
 * that starts a step when its dependencies finish should sit at the
 * critical path (210 ms); the diamond is also exactly expressible level by
 * level, so here every contender should.
 */
import type { Contender } from "../lib/contender.js";
import { criticalPathMs } from "../lib/dag.js";
import { isolatedJson, makespanTable, PROCESS_NOTE } from "../lib/format.js";
import { measureIsolated } from "../lib/isolated.js";
import type { WorkloadReport } from "../lib/report-types.js";
import { W1_DAG, type LatencyOptions } from "./definitions.js";

export const runW1 = async (
  contenders: ReadonlyArray<Contender>,
  options: LatencyOptions & { readonly childTimeoutMs: number },
  log?: (message: string) => void,
): Promise<WorkloadReport> => {
  const started = performance.now();
  const critical = criticalPathMs(W1_DAG);
  const outcome = await measureIsolated("W1", contenders, { warmup: options.warmup, rounds: options.rounds }, options.childTimeoutMs, log);
  const ours = outcome.figures.get("stepgraph")?.summary;
  return {
    id: "W1",
    title: "Diamond (extract → classify ‖ entities → generate → validate), 50/30/40/100/20 ms",
    method: `makespan of one run, ${options.warmup} warm-up runs then ${options.rounds} rounds (contenders in rotating order); critical path ${critical} ms`,
    tables: [{ table: makespanTable(contenders, outcome, critical) }],
    targets: [
      {
        target: "stepgraph makespan / critical path ≤ 1.02 (the issue's target for W1 and W2: \"W1/W2 makespan/critical path <= 1.02\")",
        measured: ours === undefined ? "not measured" : (ours.median / critical).toFixed(3),
        met: ours === undefined ? undefined : ours.median / critical <= 1.02,
      },
    ],
    notes: ["setTimeout fires at or after its delay (about +1 ms on Node), so even the Promise floor sits slightly above 1.000.", PROCESS_NOTE],
    data: { criticalPathMs: critical, ...isolatedJson(outcome) },
    seconds: (performance.now() - started) / 1000,
  };
};
