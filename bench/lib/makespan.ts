/**
 * Makespan measurement for latency-bound workloads (W1, W2, W5): every
 * contender runs the same DAG, one run per contender per round, in rotating
 * order, after warm-up runs.
 */
import type { BuiltDag, Contender, StepWork } from "./contender.js";
import type { Dag } from "./dag.js";
import { rotate, summarize, type Summary } from "./stats.js";

export interface MakespanOutcome {
  readonly makespanMs: ReadonlyMap<string, Summary>;
  /** Contenders that could not build or run the DAG, with the reason. */
  readonly failed: ReadonlyMap<string, string>;
}

const checkedRun = async (name: string, built: BuiltDag, expected: number): Promise<number> => {
  const start = performance.now();
  const executed = await built.run();
  const elapsed = performance.now() - start;
  if (executed !== expected) throw new Error(`${name} executed ${executed} steps, expected ${expected}`);
  return elapsed;
};

export const measureMakespans = async (
  contenders: ReadonlyArray<Contender>,
  dag: Dag,
  work: StepWork,
  options: { readonly warmup: number; readonly rounds: number },
): Promise<MakespanOutcome> => {
  const failed = new Map<string, string>();
  const built = new Map<string, BuiltDag>();
  for (const contender of contenders) {
    try {
      const ready = await contender.build(dag, work);
      for (let index = 0; index < options.warmup; index++) await checkedRun(contender.name, ready, dag.nodes.length);
      built.set(contender.name, ready);
    } catch (error) {
      failed.set(contender.name, error instanceof Error ? error.message : String(error));
    }
  }
  const samples = new Map<string, number[]>([...built.keys()].map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const name of rotate([...built.keys()], round)) {
      if (failed.has(name)) continue;
      try {
        samples.get(name)!.push(await checkedRun(name, built.get(name)!, dag.nodes.length));
      } catch (error) {
        failed.set(name, error instanceof Error ? error.message : String(error));
      }
    }
  }
  const makespanMs = new Map<string, Summary>();
  for (const [name, values] of samples) if (!failed.has(name) && values.length > 0) makespanMs.set(name, summarize(values));
  return { makespanMs, failed };
};
