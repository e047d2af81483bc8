/**
 * W4: many kickoffs. W1 with 1 ms latencies, 2,000 runs at 50 in flight,
 * each contender in its own child process (so one engine's heap and loaded
 * modules cannot tax another's). Rounds go round-robin over the contenders,
 * so a noisy minute on the shared machine lands on all of them alike.
 */
import { fileURLToPath } from "node:url";
import { lastJson, runTsChild } from "../lib/child.js";
import type { Contender } from "../lib/contender.js";
import { summaryJson } from "../lib/format.js";
import type { TargetCheck, WorkloadReport } from "../lib/report-types.js";
import { formatSummary, rotate, summarize, type Summary } from "../lib/stats.js";

interface ChildResult {
  readonly ok: boolean;
  readonly reason?: string;
  readonly runsPerSecond: number;
  readonly peakRssMb: number;
  readonly rssBeforeRunsMb: number;
  readonly runPhaseGrowthMb: number;
}

const CHILD = fileURLToPath(new URL("./w4-child.ts", import.meta.url));

const runChild = async (name: string, runs: number, concurrency: number, warmup: number, timeoutMs: number): Promise<ChildResult> => {
  const output = await runTsChild(CHILD, [name, String(runs), String(concurrency), String(warmup)], timeoutMs, ["--expose-gc"]);
  const parsed = lastJson<ChildResult>(output, timeoutMs);
  return parsed.ok ? parsed.value : { ok: false, reason: parsed.reason, runsPerSecond: 0, peakRssMb: 0, rssBeforeRunsMb: 0, runPhaseGrowthMb: 0 };
};

export interface W4Options {
  readonly runs: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly rounds: number;
  readonly childTimeoutMs: number;
}

export const runW4 = async (contenders: ReadonlyArray<Contender>, options: W4Options): Promise<WorkloadReport> => {
  const started = performance.now();
  const results = new Map<string, ChildResult[]>(contenders.map((contender) => [contender.name, []]));
  const failed = new Map<string, string>();
  for (let round = 0; round < options.rounds; round++) {
    for (const contender of rotate(contenders, round)) {
      if (failed.has(contender.name)) continue;
      const result = await runChild(contender.name, options.runs, options.concurrency, options.warmup, options.childTimeoutMs);
      if (result.ok) results.get(contender.name)!.push(result);
      else failed.set(contender.name, result.reason ?? "failed");
    }
  }
  const summaries = new Map<string, { runs: Summary; peak: Summary; before: Summary; growth: Summary }>();
  for (const [name, list] of results) {
    if (failed.has(name) || list.length === 0) continue;
    summaries.set(name, {
      runs: summarize(list.map((result) => result.runsPerSecond)),
      peak: summarize(list.map((result) => result.peakRssMb)),
      before: summarize(list.map((result) => result.rssBeforeRunsMb)),
      growth: summarize(list.map((result) => result.runPhaseGrowthMb)),
    });
  }
  const floor = summaries.get("promise-floor");
  const ours = summaries.get("stepgraph");
  const rows = contenders.map((contender) => {
    const summary = summaries.get(contender.name);
    if (summary === undefined) return [contender.name, contender.role, `failed: ${failed.get(contender.name) ?? "not run"}`, "–", "–", "–", "–", "–"];
    return [
      contender.name,
      contender.role,
      formatSummary(summary.runs, 0),
      floor === undefined ? "–" : `${(summary.runs.median / floor.runs.median).toFixed(2)}x`,
      ours === undefined ? "–" : `${(ours.runs.median / summary.runs.median).toFixed(2)}x`,
      formatSummary(summary.peak, 0),
      formatSummary(summary.before, 0),
      formatSummary(summary.growth, 1),
    ];
  });
  const peers = contenders.filter((contender) => contender.role === "peer" && summaries.has(contender.name));
  const targets: TargetCheck[] = [];
  if (ours !== undefined && floor !== undefined) {
    const ratio = ours.runs.median / floor.runs.median;
    targets.push({ target: "stepgraph runs/s ≥ 0.6x the Promise floor's", measured: `${ratio.toFixed(2)}x (${ours.runs.median.toFixed(0)} vs ${floor.runs.median.toFixed(0)} runs/s)`, met: ratio >= 0.6 });
  } else targets.push({ target: "stepgraph runs/s ≥ 0.6x the Promise floor's", measured: "not measured", met: undefined });
  /** Where even the Promise floor is under 5x a peer, says so: no scheduler could meet the target against it here. */
  const floorBeside = (peer: string): string => {
    const peerRuns = summaries.get(peer)?.runs.median;
    if (floor === undefined || peerRuns === undefined) return "";
    const floorRatio = floor.runs.median / peerRuns;
    return floorRatio < 5 ? ` (the Promise floor itself is ${floorRatio.toFixed(1)}x ${peer})` : "";
  };
  const peerRatios = peers.map((peer) => ({ name: peer.name, ratio: ours === undefined ? Number.NaN : ours.runs.median / summaries.get(peer.name)!.runs.median }));
  targets.push({
    target: "stepgraph runs/s ≥ 5x every peer's",
    measured:
      peerRatios.length === 0 || ours === undefined
        ? "no peer measured"
        : peerRatios.map((peer) => `${peer.name} ${peer.ratio.toFixed(1)}x${floorBeside(peer.name)}`).join(", "),
    met: peerRatios.length === 0 || ours === undefined ? undefined : peerRatios.every((peer) => peer.ratio >= 5),
  });
  const peerPeaks = peers.map((peer) => ({ name: peer.name, peak: summaries.get(peer.name)!.peak.median }));
  targets.push({
    target: "stepgraph peak memory (peak RSS) no more than any peer's",
    measured:
      peerPeaks.length === 0 || ours === undefined
        ? "no peer measured"
        : `stepgraph ${ours.peak.median.toFixed(0)} MB; ${peerPeaks.map((peer) => `${peer.name} ${peer.peak.toFixed(0)} MB`).join(", ")}`,
    met: peerPeaks.length === 0 || ours === undefined ? undefined : peerPeaks.every((peer) => ours.peak.median <= peer.peak),
  });
  return {
    id: "W4",
    title: `Many kickoffs: W1 with 1 ms steps, ${options.runs.toLocaleString("en")} runs at concurrency ${options.concurrency}`,
    method: `Each contender in its own child process (node --import tsx, so all pay the same loader): build once, ${options.warmup} warm-up runs, gc, then ${options.runs} timed runs with ${options.concurrency} in flight. ${options.rounds} rounds, one child per contender per round, round-robin. Peak RSS is the child's high-water mark (process.resourceUsage().maxRSS), module loading included; "RSS before runs" is after loading, building and warm-up; "growth" is the highest RSS sampled every 5 ms during the timed runs minus that.`,
    tables: [
      {
        table: {
          columns: ["contender", "role", "runs/s, median (min–max)", "vs floor", "stepgraph is", "peak RSS MB", "RSS before runs MB", "growth during runs MB"],
          rows,
        },
      },
    ],
    targets,
    notes: ['"stepgraph is" = stepgraph\'s median runs/s divided by this contender\'s.'],
    data: Object.fromEntries(
      contenders.map((contender) => {
        const summary = summaries.get(contender.name);
        return [
          contender.name,
          summary === undefined
            ? { failed: failed.get(contender.name) ?? "not run" }
            : {
                runsPerSecond: summaryJson(summary.runs),
                peakRssMb: summaryJson(summary.peak),
                rssBeforeRunsMb: summaryJson(summary.before),
                runPhaseGrowthMb: summaryJson(summary.growth),
              },
        ];
      }),
    ),
    seconds: (performance.now() - started) / 1000,
  };
};
