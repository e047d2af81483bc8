/**
 * W2: a random DAG of 100 steps (seed 2024), 0–3 dependencies each on
 * earlier steps, 5–80 ms latencies. Eager schedulers should sit at the
 * critical path; level-by-level ones pay for waiting on whole levels.
 */
import type { Contender } from "../lib/contender.js";
import { criticalPathMs, levelByLevelMs, levels } from "../lib/dag.js";
import { isolatedJson, makespanTable, PROCESS_NOTE } from "../lib/format.js";
import { measureIsolated, type IsolatedOutcome } from "../lib/isolated.js";
import type { WorkloadReport } from "../lib/report-types.js";
import { W2_DAG, W2_SEED, type LatencyOptions } from "./definitions.js";

export const runW2 = async (
  contenders: ReadonlyArray<Contender>,
  options: LatencyOptions & { readonly childTimeoutMs: number },
  log?: (message: string) => void,
): Promise<WorkloadReport & { readonly outcome: IsolatedOutcome }> => {
  const started = performance.now();
  const critical = criticalPathMs(W2_DAG);
  const levelBound = levelByLevelMs(W2_DAG);
  const outcome = await measureIsolated("W2", contenders, { warmup: options.warmup, rounds: options.rounds }, options.childTimeoutMs, log);
  const ratio = (name: string) => {
    const figure = outcome.figures.get(name);
    return figure === undefined ? undefined : figure.summary.median / critical;
  };
  const ours = ratio("stepgraph");
  const level = ratio("level-by-level");
  const edges = W2_DAG.nodes.reduce((total, node) => total + node.deps.length, 0);
  return {
    id: "W2",
    title: "Random DAG, 100 steps, 0–3 dependencies each, 5–80 ms",
    method: `seed ${W2_SEED}: ${edges} edges, ${levels(W2_DAG).length} levels, critical path ${critical} ms, level-by-level bound ${levelBound} ms (${(levelBound / critical).toFixed(3)}x). Makespan of one run, ${options.warmup} warm-up runs then ${options.rounds} rounds in rotating order.`,
    tables: [{ table: makespanTable(contenders, outcome, critical) }],
    targets: [
      {
        target: "stepgraph makespan / critical path ≤ 1.02",
        measured: ours === undefined ? "not measured" : ours.toFixed(3),
        met: ours === undefined ? undefined : ours <= 1.02,
      },
      {
        target: `level-by-level about 1.45 (a check of the harness, not a goal: this DAG's analytic level bound is ${(levelBound / critical).toFixed(3)}; "met" = within 0.05 of it)`,
        measured: level === undefined ? "not measured" : level.toFixed(3),
        met: level === undefined ? undefined : Math.abs(level - levelBound / critical) < 0.05,
      },
    ],
    notes: [
      "Mastra's workflow API has no per-step dependency list, so it runs this DAG by levels and lands on the level-by-level bound, not the critical path.",
      "LangGraph runs in supersteps: a node starts only after every node of the previous superstep has finished, which is also level-like.",
      PROCESS_NOTE,
    ],
    data: {
      seed: W2_SEED,
      criticalPathMs: critical,
      levelByLevelBoundMs: levelBound,
      dag: W2_DAG.nodes,
      ...isolatedJson(outcome),
    },
    seconds: (performance.now() - started) / 1000,
    outcome,
  };
};
