/**
 * W3: scheduling overhead on 1,000 zero-latency steps, as a chain and as a
 * wide fan-out/fan-in (one root, 998 parallel steps, one join), in
 * microseconds per step and as a multiple of the Promise floor.
 */
import type { Contender } from "../lib/contender.js";
import { isolatedJson, PROCESS_NOTE } from "../lib/format.js";
import { measureIsolated, type IsolatedOutcome } from "../lib/isolated.js";
import type { OverheadOptions } from "../lib/overhead.js";
import type { Table, TargetCheck, WorkloadReport } from "../lib/report-types.js";
import { formatSummary } from "../lib/stats.js";
import { W3_DAGS, W3_STEPS, type W3Shape } from "./definitions.js";

const SHAPES: ReadonlyArray<W3Shape> = ["chain", "wide"];

const table = (contenders: ReadonlyArray<Contender>, outcome: IsolatedOutcome): Table => ({
  columns: ["contender", "role", "µs/step, median (min–max)", "vs floor", "vs stepgraph", "runs per sample, median"],
  rows: contenders.map((contender) => {
    const figure = outcome.figures.get(contender.name);
    if (figure === undefined) {
      return [contender.name, contender.role, `failed: ${outcome.failed.get(contender.name) ?? "not run"}`, "–", "–", "–"];
    }
    return [
      contender.name,
      contender.role,
      formatSummary(figure.summary, 2),
      figure.floor === undefined ? "–" : `${(figure.summary.median / figure.floor.median).toFixed(1)}x`,
      figure.stepgraph === undefined ? "–" : `${(figure.summary.median / figure.stepgraph.median).toFixed(2)}x`,
      figure.runsPerSample === undefined ? "–" : String(Math.round(figure.runsPerSample.median)),
    ];
  }),
});

const targetsFor = (shape: string, outcome: IsolatedOutcome, contenders: ReadonlyArray<Contender>): TargetCheck[] => {
  const ours = outcome.figures.get("stepgraph")?.summary.median;
  const naive = outcome.figures.get("naive-effect")?.summary.median;
  const peers = contenders.filter((contender) => contender.role === "peer");
  // Each peer against the stepgraph measured in the peer's own process.
  const peerRatios = peers.map((peer) => {
    const figure = outcome.figures.get(peer.name);
    return { name: peer.name, ratio: figure?.stepgraph === undefined ? undefined : figure.summary.median / figure.stepgraph.median };
  });
  const measuredPeers = peerRatios.filter((peer): peer is { name: string; ratio: number } => peer.ratio !== undefined);
  const missingPeers = peerRatios.filter((peer) => peer.ratio === undefined).map((peer) => `${peer.name} not measured`);
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
      target: `${shape}: stepgraph ≥ 40x less µs/step than each peer (peer / stepgraph, both measured in the peer's process)`,
      measured:
        peerRatios.length === 0 ? "no peer available" : [...measuredPeers.map((peer) => `${peer.name} ${peer.ratio.toFixed(0)}x`), ...missingPeers].join(", "),
      met: measuredPeers.length === 0 ? undefined : missingPeers.length > 0 ? false : measuredPeers.every((peer) => peer.ratio >= 40),
    },
  ];
};

export const runW3 = async (
  contenders: ReadonlyArray<Contender>,
  options: OverheadOptions & { readonly childTimeoutMs: number },
  log?: (message: string) => void,
): Promise<WorkloadReport & { readonly outcomes: Readonly<Record<W3Shape, IsolatedOutcome>> }> => {
  const started = performance.now();
  const { childTimeoutMs, ...overhead } = options;
  const outcomes = {} as Record<W3Shape, IsolatedOutcome>;
  for (const shape of SHAPES) outcomes[shape] = await measureIsolated(`W3-${shape}`, contenders, overhead, childTimeoutMs, log);
  const besidePeers = SHAPES.flatMap((shape) =>
    contenders
      .filter((contender) => contender.role === "peer")
      .flatMap((peer) => {
        const figure = outcomes[shape].figures.get(peer.name);
        if (figure?.stepgraph === undefined || figure.floor === undefined) return [];
        return [`${shape}, in ${peer.name}'s process: stepgraph ${formatSummary(figure.stepgraph, 2)} µs/step, promise-floor ${formatSummary(figure.floor, 2)} µs/step.`];
      }),
  );
  return {
    id: "W3",
    title: "Overhead: 1,000 zero-latency steps, chain and wide fan-out/fan-in",
    method: `Each sample runs the DAG back to back until ${overhead.sampleMs} ms have passed and divides the time by runs x ${W3_STEPS} steps; ${overhead.rounds} interleaved rounds after ≥ ${overhead.warmupMs} ms of warm-up. Contenders whose faster of two first runs takes ${overhead.slowRunMs} ms or more get ${overhead.slowRounds} round${overhead.slowRounds === 1 ? "" : "s"} (one run per sample). The pipeline/graph is built once, outside the timing.`,
    tables: SHAPES.map((shape) => ({ caption: `${shape} (${W3_DAGS[shape].nodes.length} steps)`, table: table(contenders, outcomes[shape]) })),
    targets: SHAPES.flatMap((shape) => targetsFor(shape, outcomes[shape], contenders)),
    notes: [
      PROCESS_NOTE,
      "LangGraph runs its nodes inside AsyncLocalStorage (from @langchain/core), which switches on Node's promise hooks for the whole process, so every Promise costs more from its first run on; that is why the peers run in processes of their own. For comparison, stepgraph and the floor as measured beside each peer follow.",
      ...besidePeers,
    ],
    data: Object.fromEntries(SHAPES.map((shape) => [shape, isolatedJson(outcomes[shape])])),
    seconds: (performance.now() - started) / 1000,
    outcomes,
  };
};
