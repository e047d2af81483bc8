/**
 * W3: scheduling overhead on 1,000 zero-latency steps, as a chain and as a
 * wide fan-out/fan-in (one root, 998 parallel steps, one join), in
 * microseconds per step and as a multiple of the Promise floor. The wide
 * join reads every one of its dependencies' outputs, as real fan-ins do; the
 * same shape with a join that reads none is measured interleaved with it in
 * the same processes, and their ratio shows what reading costs.
 */
import type { Contender } from "../lib/contender.js";
import { isolatedJson, PROCESS_NOTE } from "../lib/format.js";
import { measureIsolated, measureIsolatedVariants, type IsolatedOutcome } from "../lib/isolated.js";
import type { OverheadOptions } from "../lib/overhead.js";
import type { Table, TargetCheck, WorkloadReport } from "../lib/report-types.js";
import { formatSummary, pairedRatio } from "../lib/stats.js";
import { W3_DAGS, W3_SHAPE_LABELS, W3_STEPS, W3_WIDE_VARIANT, type W3Shape } from "./definitions.js";

const SHAPES: ReadonlyArray<W3Shape> = ["chain", "wide", W3_WIDE_VARIANT];
/** The shapes the targets of the issue are checked on ("wide" is the join reading every dependency). */
const TARGET_SHAPES: ReadonlyArray<W3Shape> = ["chain", "wide"];
/** Reading every dependency may cost at most this much more per step than reading none: measurement noise. */
const READ_RATIO_LIMIT = 1.05;

/** Each contender's wide figure with the join reading every dependency over reading none, both from one process. */
const readingTable = (contenders: ReadonlyArray<Contender>, every: IsolatedOutcome, none: IsolatedOutcome): Table => ({
  columns: ["contender", "sink reads every dependency, µs/step", "sink reads none, µs/step", "every / none, medians", "every / none, paired by round, median (min–max)"],
  rows: contenders.map((contender) => {
    const readsEvery = every.figures.get(contender.name)?.summary;
    const readsNone = none.figures.get(contender.name)?.summary;
    return [
      contender.name,
      readsEvery === undefined ? `failed: ${every.failed.get(contender.name) ?? "not run"}` : formatSummary(readsEvery, 2),
      readsNone === undefined ? `failed: ${none.failed.get(contender.name) ?? "not run"}` : formatSummary(readsNone, 2),
      readsEvery === undefined || readsNone === undefined ? "–" : `${(readsEvery.median / readsNone.median).toFixed(3)}`,
      readsEvery === undefined || readsNone === undefined || readsEvery.samples.length !== readsNone.samples.length ? "–" : formatSummary(pairedRatio(readsEvery, readsNone), 3),
    ];
  }),
});

const readingTarget = (every: IsolatedOutcome, none: IsolatedOutcome): TargetCheck => {
  const readsEvery = every.figures.get("stepgraph")?.summary;
  const readsNone = none.figures.get("stepgraph")?.summary;
  const ratio = readsEvery === undefined || readsNone === undefined ? undefined : readsEvery.median / readsNone.median;
  return {
    target: `wide: reading every dependency costs no more per step than reading none (ratio ≤ ${READ_RATIO_LIMIT}, noise)`,
    measured:
      ratio === undefined
        ? "not measured"
        : `${ratio.toFixed(3)} (${readsEvery!.median.toFixed(2)} vs ${readsNone!.median.toFixed(2)} µs/step, interleaved in one process)`,
    met: ratio === undefined ? undefined : ratio <= READ_RATIO_LIMIT,
  };
};

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
  outcomes.chain = await measureIsolated("W3-chain", contenders, overhead, childTimeoutMs, log);
  [outcomes.wide, outcomes[W3_WIDE_VARIANT]] = (await measureIsolatedVariants("W3-wide", contenders, overhead, childTimeoutMs, log, [
    undefined,
    W3_WIDE_VARIANT,
  ])) as [IsolatedOutcome, IsolatedOutcome];
  const besidePeers = SHAPES.flatMap((shape) =>
    contenders
      .filter((contender) => contender.role === "peer")
      .flatMap((peer) => {
        const figure = outcomes[shape].figures.get(peer.name);
        if (figure?.stepgraph === undefined || figure.floor === undefined) return [];
        return [`${W3_SHAPE_LABELS[shape]}, in ${peer.name}'s process: stepgraph ${formatSummary(figure.stepgraph, 2)} µs/step, promise-floor ${formatSummary(figure.floor, 2)} µs/step.`];
      }),
  );
  return {
    id: "W3",
    title: "Overhead: 1,000 zero-latency steps, chain and wide fan-out/fan-in (sink reading every dependency, and reading none)",
    method: `Each sample runs the DAG back to back until ${overhead.sampleMs} ms have passed and divides the time by runs x ${W3_STEPS} steps; ${overhead.rounds} interleaved rounds after ≥ ${overhead.warmupMs} ms of warm-up. Contenders whose faster of two first runs takes ${overhead.slowRunMs} ms or more get ${overhead.slowRounds} round${overhead.slowRounds === 1 ? "" : "s"} (one run per sample). The pipeline/graph is built once, outside the timing. The wide join reads each of its ${W3_DAGS.wide.nodes.length - 2} dependencies' outputs with the engine's own accessor (stepgraph: ctx.dep(id)); the wide shape whose join reads none runs in the same processes, interleaved round by round with it.`,
    tables: [
      ...SHAPES.map((shape) => ({ caption: `${W3_SHAPE_LABELS[shape]} (${W3_DAGS[shape].nodes.length} steps)`, table: table(contenders, outcomes[shape]) })),
      {
        caption: "wide: sink reading every dependency vs reading none (each contender's two figures from one process, interleaved)",
        table: readingTable(contenders, outcomes.wide, outcomes[W3_WIDE_VARIANT]),
      },
    ],
    targets: [...TARGET_SHAPES.flatMap((shape) => targetsFor(shape, outcomes[shape], contenders)), readingTarget(outcomes.wide, outcomes[W3_WIDE_VARIANT])],
    notes: [
      PROCESS_NOTE,
      `The wide shape's targets are checked with the join reading every dependency; the join reading none (the wide shape before it read its inputs) is shown beside it. Reading is what each engine offers a step for its inputs: stepgraph's ctx.dep(id), Mastra's getStepResult(id), LangGraph's state (each read step writes its output to a channel of its own), and for the baselines the values their Promise.all or Deferreds resolved with; every contender collects the 998 values into one array.`,
      "LangGraph runs its nodes inside AsyncLocalStorage (from @langchain/core), which switches on Node's promise hooks for the whole process, so every Promise costs more from its first run on; that is why the peers run in processes of their own. For comparison, stepgraph and the floor as measured beside each peer follow.",
      ...besidePeers,
    ],
    data: Object.fromEntries(
      SHAPES.map((shape) => {
        const json = isolatedJson(outcomes[shape]);
        // Both wide shapes come from the same processes; their raw output is kept once, under "wide".
        return [shape, shape === W3_WIDE_VARIANT ? { ...json, processes: `the same processes as "wide" (samples under "<name>@${W3_WIDE_VARIANT}")` } : json];
      }),
    ),
    seconds: (performance.now() - started) / 1000,
    outcomes,
  };
};
