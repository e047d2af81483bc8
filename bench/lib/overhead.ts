/**
 * Scheduling overhead: zero-latency steps, so all that is timed is the
 * engine. Each sample times a batch of back-to-back runs sized to take about
 * `sampleMs`, so fast engines are not measured at the timer's resolution;
 * engines slower than `slowRunMs` a run get one run per sample and fewer
 * rounds, so the suite stays inside its time budget.
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

export interface OverheadOutcome {
  /** Microseconds per step. */
  readonly microsPerStep: ReadonlyMap<string, Summary>;
  readonly runsPerSample: ReadonlyMap<string, number>;
  readonly failed: ReadonlyMap<string, string>;
}

const runChecked = async (name: string, built: BuiltDag, expected: number): Promise<void> => {
  const executed = await built.run();
  if (executed !== expected) throw new Error(`${name} executed ${executed} steps, expected ${expected}`);
};

export const measureOverhead = async (
  contenders: ReadonlyArray<Contender>,
  dag: Dag,
  work: StepWork,
  options: OverheadOptions,
): Promise<OverheadOutcome> => {
  const steps = dag.nodes.length;
  const failed = new Map<string, string>();
  const ready = new Map<string, { built: BuiltDag; batch: number; rounds: number }>();
  for (const contender of contenders) {
    try {
      const built = await contender.build(dag, work);
      const durations: number[] = [];
      const timedRun = async () => {
        const start = performance.now();
        await runChecked(contender.name, built, steps);
        durations.push(performance.now() - start);
      };
      // Two runs decide whether the engine is slow (judged by the faster of them, so one noisy run cannot);
      // fast engines then warm up for warmupMs and size their batch from the median warm-up run.
      await timedRun();
      await timedRun();
      const slow = Math.min(...durations) >= options.slowRunMs;
      if (!slow) {
        const warmStart = performance.now();
        while (performance.now() - warmStart < options.warmupMs) await timedRun();
      }
      const typical = [...durations].sort((a, b) => a - b)[durations.length >> 1]!;
      const batch = slow ? 1 : Math.max(1, Math.min(1000, Math.round(options.sampleMs / Math.max(typical, 0.001))));
      ready.set(contender.name, { built, batch, rounds: slow ? options.slowRounds : options.rounds });
    } catch (error) {
      failed.set(contender.name, error instanceof Error ? error.message : String(error));
    }
  }
  const samples = new Map<string, number[]>([...ready.keys()].map((name) => [name, []]));
  const maxRounds = Math.max(0, ...[...ready.values()].map((entry) => entry.rounds));
  for (let round = 0; round < maxRounds; round++) {
    for (const name of rotate([...ready.keys()], round)) {
      const entry = ready.get(name)!;
      if (failed.has(name) || round >= entry.rounds) continue;
      try {
        const start = performance.now();
        for (let index = 0; index < entry.batch; index++) await runChecked(name, entry.built, steps);
        samples.get(name)!.push(((performance.now() - start) * 1000) / (entry.batch * steps));
      } catch (error) {
        failed.set(name, error instanceof Error ? error.message : String(error));
      }
    }
  }
  const microsPerStep = new Map<string, Summary>();
  for (const [name, values] of samples) if (!failed.has(name) && values.length > 0) microsPerStep.set(name, summarize(values));
  return {
    microsPerStep,
    runsPerSample: new Map([...ready].map(([name, entry]) => [name, entry.batch])),
    failed,
  };
};
