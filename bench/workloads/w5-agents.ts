/**
 * W5: agents. W1's diamond where every step is a chat completion against the
 * local OpenAI-compatible server (stepgraph/testing) answering after a fixed
 * 20 ms, called with the `openai` SDK directly from the step (stepgraph's
 * agent API is not used). Skipped, with a note, if the server is missing.
 */
import type { Contender } from "../lib/contender.js";
import { isolatedJson, makespanTable, PROCESS_NOTE, summaryJson } from "../lib/format.js";
import { measureIsolated } from "../lib/isolated.js";
import type { WorkloadReport } from "../lib/report-types.js";
import { summarize } from "../lib/stats.js";
import { MODEL_LATENCY_MS, type LatencyOptions } from "./definitions.js";

const TITLE = "Agents: W1 with a 20 ms OpenAI-compatible model call per step";
/** extract → classify|entities → generate → validate: four calls in sequence. */
const CALLS_ON_CRITICAL_PATH = 4;

export const runW5 = async (
  contenders: ReadonlyArray<Contender>,
  options: LatencyOptions & { readonly childTimeoutMs: number },
  log?: (message: string) => void,
): Promise<WorkloadReport> => {
  const started = performance.now();
  const outcome = await measureIsolated("W5", contenders, { warmup: options.warmup, rounds: options.rounds }, options.childTimeoutMs, log);
  if (outcome.unavailable !== undefined) {
    return { id: "W5", title: TITLE, method: "skipped", tables: [], targets: [], notes: [`Skipped: ${outcome.unavailable}.`], data: { skipped: outcome.unavailable }, seconds: (performance.now() - started) / 1000 };
  }
  const models = outcome.processes.flatMap((process) => ("model" in process.output && process.output.model !== undefined ? [process.output.model] : []));
  // One call on its own, measured in the first process (the non-peers'): what a model call costs end to end (20 ms plus HTTP, JSON and SDK).
  const callMs = models[0] === undefined ? undefined : summarize(models[0].singleCallMs);
  const requests = models.reduce((total, model) => total + model.requests, 0);
  const nominal = CALLS_ON_CRITICAL_PATH * MODEL_LATENCY_MS;
  const ours = outcome.figures.get("stepgraph");
  const practical = callMs === undefined ? "" : ` One call measured alone takes ${callMs.median.toFixed(1)} ms median, so ~${(CALLS_ON_CRITICAL_PATH * callMs.median).toFixed(1)} ms is the practical floor.`;
  return {
    id: "W5",
    title: TITLE,
    method: `Every step awaits client.chat.completions.create() (openai SDK, one shared client) against startMockOpenAI({ latencyMs: ${MODEL_LATENCY_MS} }), started in each child process. Critical path: ${CALLS_ON_CRITICAL_PATH} calls = ${nominal} ms of model latency.${practical} ${options.warmup} warm-up runs, ${options.rounds} rounds in rotating order. The ratio column below divides by the nominal ${nominal} ms.`,
    tables: [{ table: makespanTable(contenders, outcome, nominal) }],
    targets: [
      {
        target: "no target set; stepgraph's makespan vs the Promise floor's (same server, same SDK, same process) shows what scheduling adds to model-bound work",
        measured:
          ours?.floor === undefined
            ? "not measured"
            : `${(ours.summary.median / ours.floor.median).toFixed(3)}x the floor (${ours.summary.median >= ours.floor.median ? "+" : "−"}${Math.abs(ours.summary.median - ours.floor.median).toFixed(1)} ms)`,
        met: undefined,
      },
    ],
    notes: [`${requests} chat requests served in total.`, PROCESS_NOTE],
    data: { modelLatencyMs: MODEL_LATENCY_MS, singleCallMs: summaryJson(callMs), requests, ...isolatedJson(outcome) },
    seconds: (performance.now() - started) / 1000,
  };
};
