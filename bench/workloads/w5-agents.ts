/**
 * W5: agents. W1's diamond where every step is a chat completion against the
 * local OpenAI-compatible server (stepgraph/testing) answering after a fixed
 * 20 ms, called with the `openai` SDK directly from the step (stepgraph's
 * agent API is not used). Skipped, with a note, if the server is missing.
 */
import type { Contender, StepWork } from "../lib/contender.js";
import { diamond } from "../lib/dag.js";
import { makespanTable, summaryJson } from "../lib/format.js";
import { measureMakespans } from "../lib/makespan.js";
import type { WorkloadReport } from "../lib/report-types.js";
import { summarize } from "../lib/stats.js";

const MODEL_LATENCY_MS = 20;
export const W5_DAG = diamond({
  extract: MODEL_LATENCY_MS,
  classify: MODEL_LATENCY_MS,
  entities: MODEL_LATENCY_MS,
  generate: MODEL_LATENCY_MS,
  validate: MODEL_LATENCY_MS,
});
/** extract → classify|entities → generate → validate: four calls in sequence. */
const CALLS_ON_CRITICAL_PATH = 4;

const skipped = (reason: string, started: number): WorkloadReport => ({
  id: "W5",
  title: "Agents: W1 with a 20 ms OpenAI-compatible model call per step",
  method: "skipped",
  tables: [],
  targets: [],
  notes: [`Skipped: ${reason}`],
  data: { skipped: reason },
  seconds: (performance.now() - started) / 1000,
});

export const runW5 = async (contenders: ReadonlyArray<Contender>, options: { warmup: number; rounds: number }): Promise<WorkloadReport> => {
  const started = performance.now();
  let testing: typeof import("../../src/testing/index.js");
  let OpenAI: typeof import("openai").default;
  try {
    testing = await import("../../src/testing/index.js");
    OpenAI = (await import("openai")).default;
    if (typeof testing.startMockOpenAI !== "function") return skipped("src/testing/index.ts does not export startMockOpenAI yet.", started);
  } catch (error) {
    return skipped(`the mock server or the openai SDK could not be loaded (${error instanceof Error ? error.message.split("\n")[0] : String(error)}).`, started);
  }
  const server = await testing.startMockOpenAI({ latencyMs: MODEL_LATENCY_MS });
  try {
    const client = new OpenAI({ baseURL: server.url, apiKey: "bench", maxRetries: 0 });
    const call: StepWork = (node) =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Run step ${node.id}.` }] });
    // One call on its own, repeated: what a model call costs end to end (20 ms plus HTTP, JSON and SDK).
    for (let index = 0; index < 5; index++) await call(W5_DAG.nodes[0]!);
    const single: number[] = [];
    for (let index = 0; index < 15; index++) {
      const start = performance.now();
      await call(W5_DAG.nodes[0]!);
      single.push(performance.now() - start);
    }
    const callMs = summarize(single);
    const nominal = CALLS_ON_CRITICAL_PATH * MODEL_LATENCY_MS;
    const { makespanMs, failed } = await measureMakespans(contenders, W5_DAG, call, options);
    const floor = makespanMs.get("promise-floor");
    const ours = makespanMs.get("stepgraph");
    const requests = server.requests.length;
    return {
      id: "W5",
      title: "Agents: W1 with a 20 ms OpenAI-compatible model call per step",
      method: `Every step awaits client.chat.completions.create() (openai SDK, one shared client) against startMockOpenAI({ latencyMs: ${MODEL_LATENCY_MS} }) in the same process. Critical path: ${CALLS_ON_CRITICAL_PATH} calls = ${nominal} ms of model latency; one call measured alone takes ${callMs.median.toFixed(1)} ms median, so ~${(CALLS_ON_CRITICAL_PATH * callMs.median).toFixed(1)} ms is the practical floor. ${options.warmup} warm-up runs, ${options.rounds} rounds in rotating order. The ratio column below divides by the nominal ${nominal} ms.`,
      tables: [{ table: makespanTable(contenders, makespanMs, failed, nominal) }],
      targets: [
        {
          target: "no target set; stepgraph's makespan vs the Promise floor's (same server, same SDK) shows what scheduling adds to model-bound work",
          measured: ours === undefined || floor === undefined ? "not measured" : `${(ours.median / floor.median).toFixed(3)}x the floor (+${(ours.median - floor.median).toFixed(1)} ms)`,
          met: undefined,
        },
      ],
      notes: [`${requests} chat requests served in total.`],
      data: {
        modelLatencyMs: MODEL_LATENCY_MS,
        singleCallMs: summaryJson(callMs),
        makespanMs: Object.fromEntries([...makespanMs].map(([name, summary]) => [name, summaryJson(summary)])),
        failed: Object.fromEntries(failed),
        requests,
      },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await server.close();
  }
};
