/**
 * What the in-process workloads run, shared by the parent (run.ts, which
 * reports) and the child (child.ts, which measures): the DAGs, built from
 * fixed latencies or a fixed seed, and W5's model server.
 */
import type { StepWork } from "../lib/contender.js";
import { chain, diamond, randomDag, wide, type Dag } from "../lib/dag.js";

/** W1: the diamond, extract -> (classify, entities) -> generate -> validate. */
export const W1_DAG = diamond({ extract: 50, classify: 30, entities: 40, generate: 100, validate: 20 });

export const W2_SEED = 2024;
/** W2: 100 steps, each on 0–3 earlier steps, 5–80 ms. */
export const W2_DAG = randomDag({ seed: W2_SEED, steps: 100, maxDeps: 3, minMs: 5, maxMs: 80 });

export const W3_STEPS = 1000;
/**
 * W3's shapes of zero-latency steps: the chain, the wide fan-out/fan-in whose
 * join reads every one of its 998 dependencies' outputs (as real fan-ins
 * do), and the same wide shape with a join that reads none of them.
 */
export const W3_DAGS = {
  chain: chain(W3_STEPS),
  wide: wide(W3_STEPS, 0, { sinkReads: "every" }),
  "wide-reads-none": wide(W3_STEPS, 0, { sinkReads: "none" }),
} as const satisfies Record<string, Dag>;
export type W3Shape = keyof typeof W3_DAGS;
/** The shape W3-wide's child measures beside `wide`, interleaved in the same process. */
export const W3_WIDE_VARIANT = "wide-reads-none" satisfies W3Shape;

/** What each W3 shape is called in the report. */
export const W3_SHAPE_LABELS: Readonly<Record<W3Shape, string>> = {
  chain: "chain",
  wide: "wide, sink reads every dependency",
  "wide-reads-none": "wide, sink reads none",
};

export const MODEL_LATENCY_MS = 20;
/** W5: W1's diamond where every step is one model call. */
export const W5_DAG = diamond({
  extract: MODEL_LATENCY_MS,
  classify: MODEL_LATENCY_MS,
  entities: MODEL_LATENCY_MS,
  generate: MODEL_LATENCY_MS,
  validate: MODEL_LATENCY_MS,
});

/** Warm-up runs and measured rounds of a makespan workload (W1, W2, W5). */
export interface LatencyOptions {
  readonly warmup: number;
  readonly rounds: number;
}

/** Why a workload could not run at all here (its dependencies are missing), as opposed to a contender failing. */
export class WorkloadUnavailable extends Error {
  readonly _tag = "WorkloadUnavailable";
}

/**
 * Starts the local OpenAI-compatible server (stepgraph/testing) answering
 * after MODEL_LATENCY_MS, hands `use` a step that makes one chat completion
 * with the openai SDK, and the latencies of 15 such calls made alone (after
 * 5 warm-up calls): what one model call costs end to end.
 */
export const withModelServer = async <Result>(
  use: (call: StepWork, singleCallMs: ReadonlyArray<number>, requests: () => number) => Promise<Result>,
): Promise<Result> => {
  let testing: typeof import("../../src/testing/index.js");
  let OpenAI: typeof import("openai").default;
  try {
    testing = await import("../../src/testing/index.js");
    OpenAI = (await import("openai")).default;
  } catch (error) {
    throw new WorkloadUnavailable(`the mock server or the openai SDK could not be loaded (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  const server = await testing.startMockOpenAI({ latencyMs: MODEL_LATENCY_MS });
  try {
    const client = new OpenAI({ baseURL: server.url, apiKey: "bench", maxRetries: 0 });
    const call: StepWork = (node) =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Run step ${node.id}.` }] });
    for (let index = 0; index < 5; index++) await call(W5_DAG.nodes[0]!);
    const single: number[] = [];
    for (let index = 0; index < 15; index++) {
      const start = performance.now();
      await call(W5_DAG.nodes[0]!);
      single.push(performance.now() - start);
    }
    return await use(call, single, () => server.requests.length);
  } finally {
    await server.close();
  }
};
