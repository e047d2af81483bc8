/**
 * Scheduling overhead: zero-latency steps, so all that is timed is the
 * engine. Each sample runs the DAG back to back until `sampleMs` has passed
 * and divides the elapsed time by the steps run, so fast engines are not
 * measured at the timer's resolution. Engines whose faster of two first runs
 * takes `slowRunMs` or more get `slowRounds` rounds instead of `rounds`
 * (each of their samples is then one run), so the suite stays inside its
 * time budget.
 *
 * Samples are time-boxed rather than sized in advance from warm-up runs: a
 * batch size computed from warm-up inherits whatever the warm-up suffered
 * (in one suite run, stepgraph's first wide runs after a LangGraph run in
 * the same process took ~70 ms instead of ~2 ms, so its batch was sized at
 * one run and every "sample" was a single 2 ms run).
 *
 * What is measured is a list of entries, each a contender on a DAG under a
 * key of its own, so one process can interleave the same contenders on two
 * variants of a shape (W3's wide join reading every dependency or none).
 */
import type { BuiltDag, Contender, StepWork } from "./contender.js";
import type { Dag } from "./dag.js";
import { rotate, summarize, type Summary } from "./stats.js";

export interface OverheadOptions {
  readonly rounds: number;
  readonly slowRounds: number;
  readonly sampleMs: number;
  readonly warmupMs: number;
  readonly slowRunMs: number;
}

/** One thing to measure: `contender` running `dag`, reported under `key`. */
export interface OverheadEntry {
  readonly key: string;
  readonly contender: Contender;
  readonly dag: Dag;
}

export interface OverheadOutcome {
  /** Microseconds per step, one value per sample, by entry key. */
  readonly microsPerStep: ReadonlyMap<string, Summary>;
  /** How many runs each sample took, one value per sample. */
  readonly runsPerSample: ReadonlyMap<string, Summary>;
  readonly failed: ReadonlyMap<string, string>;
}

const runChecked = async (name: string, built: BuiltDag, expected: number): Promise<void> => {
  const executed = await built.run();
  if (executed !== expected) throw new Error(`${name} executed ${executed} steps, expected ${expected}`);
};

export const measureOverhead = async (
  entries: ReadonlyArray<OverheadEntry>,
  work: StepWork,
  options: OverheadOptions,
): Promise<OverheadOutcome> => {
  const failed = new Map<string, string>();
  const ready = new Map<string, { built: BuiltDag; rounds: number; steps: number }>();
  for (const { key, contender, dag } of entries) {
    const steps = dag.nodes.length;
    try {
      const built = await contender.build(dag, work);
      const durations: number[] = [];
      const timedRun = async () => {
        const start = performance.now();
        await runChecked(key, built, steps);
        durations.push(performance.now() - start);
      };
      // The faster of two runs decides whether the engine is slow, so one noisy run cannot.
      await timedRun();
      await timedRun();
      const slow = Math.min(...durations) >= options.slowRunMs;
      if (!slow) {
        const warmStart = performance.now();
        while (performance.now() - warmStart < options.warmupMs) await timedRun();
      }
      ready.set(key, { built, rounds: slow ? options.slowRounds : options.rounds, steps });
    } catch (error) {
      failed.set(key, error instanceof Error ? error.message : String(error));
    }
  }
  const samples = new Map<string, number[]>([...ready.keys()].map((name) => [name, []]));
  const runCounts = new Map<string, number[]>([...ready.keys()].map((name) => [name, []]));
  const maxRounds = Math.max(0, ...[...ready.values()].map((entry) => entry.rounds));
  for (let round = 0; round < maxRounds; round++) {
    for (const name of rotate([...ready.keys()], round)) {
      const entry = ready.get(name)!;
      if (failed.has(name) || round >= entry.rounds) continue;
      try {
        let runs = 0;
        const start = performance.now();
        let elapsed = 0;
        do {
          await runChecked(name, entry.built, entry.steps);
          runs++;
          elapsed = performance.now() - start;
        } while (elapsed < options.sampleMs);
        samples.get(name)!.push((elapsed * 1000) / (runs * entry.steps));
        runCounts.get(name)!.push(runs);
      } catch (error) {
        failed.set(name, error instanceof Error ? error.message : String(error));
      }
    }
  }
  const microsPerStep = new Map<string, Summary>();
  const runsPerSample = new Map<string, Summary>();
  for (const [name, values] of samples) {
    if (failed.has(name) || values.length === 0) continue;
    microsPerStep.set(name, summarize(values));
    runsPerSample.set(name, summarize(runCounts.get(name)!));
  }
  return { microsPerStep, runsPerSample, failed };
};
