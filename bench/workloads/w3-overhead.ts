/**
 * W3: scheduling overhead on 1,000 zero-latency steps, as a chain and as a
 * wide fan-out/fan-in (one root, 998 parallel steps, one join), in
 * microseconds per step and as a multiple of the Promise floor.
 */
import type { Contender } from "../lib/contender.js";
import { simulatedLatency } from "../lib/contender.js";
import { chain, wide, type Dag } from "../lib/dag.js";
import { summaryJson } from "../lib/format.js";
import { measureOverhead, type OverheadOptions, type OverheadOutcome } from "../lib/overhead.js";
import type { Table, TargetCheck, WorkloadReport } from "../lib/report-types.js";
import { formatSummary } from "../lib/stats.js";

export const W3_STEPS = 1000;

const table = (contenders: ReadonlyArray<Contender>, outcome: OverheadOutcome): Table => {
  const floor = outcome.microsPerStep.get("promise-floor");
  const ours = outcome.microsPerStep.get("stepgraph");
  return {
    columns: ["contender", "role", "µs/step, median (min–max)", "vs floor", "vs stepgraph", "runs per sample"],
    rows: contenders.map((contender) => {
      const summary = outcome.microsPerStep.get(contender.name);
      if (summary === undefined) {
        return [contender.name, contender.role, `failed: ${outcome.failed.get(contender.name) ?? "not run"}`, "–", "–", "–"];
      }
      return [
        contender.name,
        contender.role,
        formatSummary(summary, 2),
        floor === undefined ? "–" : `${(summary.median / floor.median).toFixed(1)}x`,
        ours === undefined ? "–" : `${(summary.median / ours.median).toFixed(2)}x`,
        String(outcome.runsPerSample.get(contender.name) ?? "–"),
      ];
    }),
  };
};

const targetsFor = (shape: string, outcome: OverheadOutcome, contenders: ReadonlyArray<Contender>): TargetCheck[] => {
  const ours = outcome.microsPerStep.get("stepgraph")?.median;
  const naive = outcome.microsPerStep.get("naive-effect")?.median;
  const peers = contenders.filter((contender) => contender.role === "peer");
  const peerRatios = peers
    .map((peer) => ({ name: peer.name, median: outcome.microsPerStep.get(peer.name)?.median }))
    .filter((peer): peer is { name: string; median: number } => peer.median !== undefined);
  return [
    {
      target: `${shape}: stepgraph ≤ 10 µs/step`,
      measured: ours === undefined ? "not measured" : `${ours.toFixed(2)} µs/step`,
      met: ours === undefined ? undefined : ours <= 10,
    },
    {
      target: `${shape}: stepgraph ≤ 1/4 of the naive Effect scheduler's µs/step`,
      measured: ours === undefined || naive === undefined ? "not measured" : `${(ours / naive).toFixed(3)} of naive (${naive.toFixed(2)} µs/step)`,
      met: ours === undefined || naive === undefined ? undefined : ours <= naive / 4,
    },
    {
      target: `${shape}: peers 40x+ slower than stepgraph (expectation)`,
      measured:
        ours === undefined || peerRatios.length === 0
          ? "not measured"
          : peerRatios.map((peer) => `${peer.name} ${(peer.median / ours).toFixed(0)}x`).join(", "),
      met: ours === undefined || peerRatios.length === 0 ? undefined : peerRatios.every((peer) => peer.median >= 40 * ours),
    },
  ];
};

export const runW3 = async (contenders: ReadonlyArray<Contender>, options: OverheadOptions): Promise<WorkloadReport & { readonly outcomes: Readonly<Record<string, OverheadOutcome>> }> => {
  const started = performance.now();
  const shapes: ReadonlyArray<readonly [string, Dag]> = [
    ["chain", chain(W3_STEPS)],
    ["wide", wide(W3_STEPS)],
  ];
  const outcomes: Record<string, OverheadOutcome> = {};
  for (const [shape, dag] of shapes) outcomes[shape] = await measureOverhead(contenders, dag, simulatedLatency, options);
  return {
    id: "W3",
    title: "Overhead: 1,000 zero-latency steps, chain and wide fan-out/fan-in",
    method: `Each sample times a batch of back-to-back runs (about ${options.sampleMs} ms) divided by runs x ${W3_STEPS} steps; ${options.rounds} interleaved rounds after ≥ ${options.warmupMs} ms of warm-up. Contenders whose faster of two warm-up runs exceeds ${options.slowRunMs} ms: ${options.slowRounds} rounds of 1 run. The pipeline/graph is built once, outside the timing.`,
    tables: shapes.map(([shape, dag]) => ({ caption: `${shape} (${dag.nodes.length} steps)`, table: table(contenders, outcomes[shape]!) })),
    targets: shapes.flatMap(([shape]) => targetsFor(shape, outcomes[shape]!, contenders)),
    notes: [],
    data: Object.fromEntries(
      shapes.map(([shape]) => [
        shape,
        {
          microsPerStep: Object.fromEntries([...outcomes[shape]!.microsPerStep].map(([name, summary]) => [name, summaryJson(summary)])),
          runsPerSample: Object.fromEntries(outcomes[shape]!.runsPerSample),
          failed: Object.fromEntries(outcomes[shape]!.failed),
        },
      ]),
    ),
    seconds: (performance.now() - started) / 1000,
    outcomes,
  };
};
