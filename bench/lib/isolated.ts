/**
 * In-process workloads (W1, W2, W3, W5) measured in fresh child processes
 * (workloads/child.ts), grouped so that every ratio comes from one process:
 *
 * - stepgraph, the naive Effect scheduler, the Promise floor and
 *   level-by-level in one process, where no peer has run;
 * - each peer in a process of its own, beside stepgraph and the floor.
 *
 * A contender's figure comes from the process where it is the point (the
 * first group for the non-peers, its own group for a peer), and its "vs
 * floor" and "vs stepgraph" ratios use the floor and stepgraph measured in
 * that same process.
 */
import { fileURLToPath } from "node:url";
import { lastJson, runTsChild } from "./child.js";
import type { Contender } from "./contender.js";
import { summarize, type Summary } from "./stats.js";

const CHILD = fileURLToPath(new URL("../workloads/child.ts", import.meta.url));

/** The workloads workloads/child.ts can run. */
export const childWorkloads = ["W1", "W2", "W3-chain", "W3-wide", "W5"] as const;
export type ChildWorkload = (typeof childWorkloads)[number];

/** What a child prints: every sample, so the parent can summarise and results.json can keep them. */
export interface ChildSamples {
  /** Makespan in ms (W1, W2, W5) or µs per step (W3), one value per sample. */
  readonly samples: Readonly<Record<string, ReadonlyArray<number>>>;
  readonly failed: Readonly<Record<string, string>>;
  /** W3: how many runs each sample took. */
  readonly runsPerSample?: Readonly<Record<string, ReadonlyArray<number>>>;
  /** W5: one model call's latency measured alone, and the requests the server answered. */
  readonly model?: { readonly singleCallMs: ReadonlyArray<number>; readonly requests: number };
  /** Set when the workload itself could not run in this checkout (W5 without its server). */
  readonly unavailable?: string;
}

/** One contender's figure, with stepgraph's and the floor's from the same process. */
export interface Figure {
  readonly summary: Summary;
  readonly stepgraph: Summary | undefined;
  readonly floor: Summary | undefined;
  readonly runsPerSample: Summary | undefined;
}

export interface IsolatedOutcome {
  readonly figures: ReadonlyMap<string, Figure>;
  readonly failed: ReadonlyMap<string, string>;
  /** Every child: who ran in it, whose figure it provides, and what it printed (for results.json). */
  readonly processes: ReadonlyArray<{ readonly names: ReadonlyArray<string>; readonly reports: ReadonlyArray<string>; readonly output: ChildSamples | { readonly failed: string } }>;
  /** Why the workload could not run at all, if it could not. */
  readonly unavailable: string | undefined;
}

const BESIDE_EACH_PEER = ["stepgraph", "promise-floor"];

/**
 * The key of `name`'s samples on a variant of a child workload's DAG (W3-wide
 * measures its join reading every dependency and, interleaved in the same
 * process, reading none). The workload's main DAG keeps the plain name.
 */
export const sampleKey = (name: string, variant: string | undefined): string => (variant === undefined ? name : `${name}@${variant}`);

/** The processes to start: the non-peers together, then each peer beside stepgraph and the floor. */
export const processGroups = (contenders: ReadonlyArray<Contender>): ReadonlyArray<{ names: string[]; reports: string[] }> => {
  const nonPeers = contenders.filter((contender) => contender.role !== "peer").map((contender) => contender.name);
  const beside = BESIDE_EACH_PEER.filter((name) => nonPeers.includes(name));
  return [
    { names: nonPeers, reports: nonPeers },
    ...contenders.filter((contender) => contender.role === "peer").map((peer) => ({ names: [...beside, peer.name], reports: [peer.name] })),
  ].filter((group) => group.reports.length > 0);
};

export const measureIsolated = async (
  workload: ChildWorkload,
  contenders: ReadonlyArray<Contender>,
  options: object,
  timeoutMs: number,
  log: (message: string) => void = () => {},
): Promise<IsolatedOutcome> => (await measureIsolatedVariants(workload, contenders, options, timeoutMs, log, [undefined]))[0]!;

/**
 * Like measureIsolated, for a child workload that measures several variants
 * of its DAG in each process: one outcome per variant, in the order given
 * (`undefined` is the main DAG), each figure's stepgraph and floor taken from
 * the same variant in the same process.
 */
export const measureIsolatedVariants = async (
  workload: ChildWorkload,
  contenders: ReadonlyArray<Contender>,
  options: object,
  timeoutMs: number,
  log: ((message: string) => void) | undefined,
  variants: ReadonlyArray<string | undefined>,
): Promise<IsolatedOutcome[]> => {
  const outcomes = variants.map(() => ({ figures: new Map<string, Figure>(), failed: new Map<string, string>() }));
  const processes: IsolatedOutcome["processes"][number][] = [];
  let unavailable: string | undefined;
  for (const { names, reports } of processGroups(contenders)) {
    const started = performance.now();
    const output = await runTsChild(CHILD, [workload, names.join(","), JSON.stringify(options)], timeoutMs);
    const parsed = lastJson<ChildSamples>(output, timeoutMs);
    log?.(`  ${workload} [${names.join(", ")}]: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (!parsed.ok) {
      for (const { failed } of outcomes) for (const name of reports) failed.set(name, `its child process failed (${parsed.reason})`);
      processes.push({ names, reports, output: { failed: parsed.reason } });
      continue;
    }
    const samples = parsed.value;
    processes.push({ names, reports, output: samples });
    unavailable ??= samples.unavailable;
    variants.forEach((variant, index) => {
      const { figures, failed } = outcomes[index]!;
      const summaryOf = (name: string) => {
        const values = samples.samples[sampleKey(name, variant)];
        return values === undefined || values.length === 0 ? undefined : summarize(values);
      };
      for (const name of reports) {
        const summary = summaryOf(name);
        if (summary === undefined) {
          failed.set(name, samples.failed[sampleKey(name, variant)] ?? samples.failed[name] ?? samples.unavailable ?? "no samples");
          continue;
        }
        const runs = samples.runsPerSample?.[sampleKey(name, variant)];
        figures.set(name, {
          summary,
          stepgraph: summaryOf("stepgraph"),
          floor: summaryOf("promise-floor"),
          runsPerSample: runs === undefined || runs.length === 0 ? undefined : summarize(runs),
        });
      }
    });
  }
  return outcomes.map(({ figures, failed }) => ({ figures, failed, processes, unavailable }));
};
