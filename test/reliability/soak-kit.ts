/**
 * The fault soak: runs of a 4-step diamond of agent steps (structured
 * output, call retries and per-attempt timeouts, a run budget) against the
 * bundled local server, which injects 429s (with Retry-After), 500s, resets
 * (before the headers, mid-body), truncated and malformed bodies, hangs past
 * the timeout and replies that fail the output schema, drawn from a seeded
 * generator. Half the runs are one batch, half separate `run` calls. Used by
 * `test/reliability/soak.test.ts` (a bounded run in `npm test`) and
 * `scripts/soak.ts` (`npm run soak`, the long run and its figures).
 */
import OpenAI from "openai";
import { setImmediate as tick } from "node:timers/promises";
import v8 from "node:v8";
import vm from "node:vm";
import { z } from "zod";
import {
  CheckpointMismatchError,
  CostBudgetExceededError,
  PipelineCancelledError,
  PipelineDefinitionError,
  PipelineInputError,
  PipelineTimeoutError,
  StepExecutionError,
  agent,
  pipeline,
  type PipelineEvent,
  type RunUsage,
} from "../../src/index.js";
import { startMockOpenAI, type MockResponseSpec } from "../../src/testing/index.js";

/** What the server may answer, with how often (per request). */
export const FAULT_RATES = {
  "429": 0.1,
  "500": 0.05,
  "reset before headers": 0.01,
  "reset mid-body": 0.01,
  truncated: 0.01,
  hang: 0.02,
  malformed: 0.02,
  "fails the schema": 0.02,
} as const;

export type FaultKind = keyof typeof FAULT_RATES;

const ERROR_CLASSES = [
  StepExecutionError,
  CostBudgetExceededError,
  PipelineTimeoutError,
  PipelineCancelledError,
  PipelineDefinitionError,
  PipelineInputError,
  CheckpointMismatchError,
] as const;

/** A small seeded generator (mulberry32), so that a failing soak can be run again as it was. */
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const specOf = (kind: FaultKind | "ok"): MockResponseSpec => {
  const ok = { json: { value: "fine" }, latencyMs: 1 };
  switch (kind) {
    case "ok":
      return ok;
    case "429":
      return { ...ok, fault: { type: "status", status: 429, retryAfter: 0 } };
    case "500":
      return { ...ok, fault: { type: "status", status: 500 } };
    case "reset before headers":
      return { ...ok, fault: { type: "reset" } };
    case "reset mid-body":
      return { ...ok, fault: { type: "reset", afterBytes: 40 } };
    case "truncated":
      return { ...ok, fault: { type: "truncated" } };
    case "hang":
      return { ...ok, fault: { type: "hang" } };
    case "malformed":
      return { ...ok, fault: { type: "malformed" } };
    case "fails the schema":
      return { json: { unexpected: true }, latencyMs: 1 };
  }
};

/** Figures of one soak. */
export interface SoakReport {
  readonly runs: number;
  readonly requests: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Runs by outcome: `completed`, or the error's class (and its cause's, for a step failure). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Rejections that were not one of the exported error classes (must be empty). */
  readonly foreignErrors: ReadonlyArray<string>;
  readonly unhandled: number;
  readonly warnings: ReadonlyArray<string>;
  /** Events that reached `onEvent` after their run settled (must be 0). */
  readonly lateEvents: number;
  /** Tokens the server billed for replies the client could read (completed requests), and what the runs accounted. */
  readonly billedReadable: { readonly inputTokens: number; readonly outputTokens: number };
  readonly accounted: { readonly inputTokens: number; readonly outputTokens: number; readonly calls: number };
  /** Tokens the server billed for requests the client could not read (cut off, malformed): their cost is in `abandoned`. */
  readonly billedUnreadable: { readonly inputTokens: number; readonly outputTokens: number; readonly requests: number };
  /** Requests the client reported abandoned, and those the server saw end abnormally or aborted. */
  readonly abandoned: { readonly reported: number; readonly reservedUsd: number; readonly atServer: number };
  /** Active handles by type that were more after the soak than before it (must be empty). */
  readonly handlesLeft: Readonly<Record<string, number>>;
  readonly heapMb: { readonly before: number; readonly atThird: number; readonly after: number };
  readonly seconds: number;
}

const handleCounts = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
};

let collect: (() => void) | undefined;
const heapMb = (): number => {
  if (collect === undefined) {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
  }
  collect();
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/** Runs `runs` pipeline runs (in chunks of `chunk`, alternating a batch and separate runs) and returns the figures. */
export const soak = async ({ runs, seed = 1, chunk = 50, concurrency = 20 }: { runs: number; seed?: number; chunk?: number; concurrency?: number }): Promise<SoakReport> => {
  const started = performance.now();
  const random = seeded(seed);
  const faults = Object.fromEntries(Object.keys(FAULT_RATES).map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const draw = (): FaultKind | "ok" => {
    let roll = random();
    for (const [kind, rate] of Object.entries(FAULT_RATES) as Array<[FaultKind, number]>) {
      if (roll < rate) return kind;
      roll -= rate;
    }
    return "ok";
  };
  const unhandled: unknown[] = [];
  const warnings: string[] = [];
  const onUnhandled = (error: unknown) => unhandled.push(error);
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  process.on("warning", onWarning);
  const handlesBefore = handleCounts();
  const heapBefore = heapMb();

  const server = await startMockOpenAI();
  server.setResponder(() => {
    const kind = draw();
    if (kind !== "ok") faults[kind]++;
    return specOf(kind);
  });
  const client = new OpenAI({ baseURL: server.url, apiKey: "soak", maxRetries: 0 });
  const schema = z.object({ value: z.string() });
  const model = (name: string) => agent({ model: "gpt-4o-mini", system: `You are ${name}.`, output: schema, maxTokens: 50 });
  const [extract, left, right, join] = [model("extract"), model("left"), model("right"), model("join")];
  // A hang is given up after 3 s: long enough that a normal reply (1 ms) on a loaded machine is never mistaken for one.
  // (With 1 s, a reply the server completed but a machine at load 15 delivered late was abandoned by the client, so the
  // server counted it readable and the runs did not: accounted fell short of billed by a few hundred tokens.)
  const call = { timeout: 3_000, retries: 3, retryDelay: 1 } as const;
  const diamond = pipeline("soak", { input: z.object({ id: z.number() }), client, costBudget: 1 })
    .step("extract", { retries: 1, retryDelay: 1 }, (ctx) => ctx.run(extract, `extract ${ctx.input.id}`, call))
    .step("left", { after: ["extract"], retries: 1, retryDelay: 1 }, (ctx) => ctx.run(left, `left ${ctx.dep("extract").output.value}`, call))
    .step("right", { after: ["extract"], retries: 1, retryDelay: 1 }, (ctx) => ctx.run(right, `right ${ctx.dep("extract").output.value}`, call))
    .step("join", { after: ["left", "right"], retries: 1, retryDelay: 1 }, (ctx) =>
      ctx.run(join, `join ${ctx.dep("left").output.value} ${ctx.dep("right").output.value}`, call),
    );

  const outcomes: Record<string, number> = {};
  const foreignErrors: string[] = [];
  const accounted = { inputTokens: 0, outputTokens: 0, calls: 0 };
  const abandoned = { reported: 0, reservedUsd: 0, atServer: 0 };
  const billedReadable = { inputTokens: 0, outputTokens: 0 };
  const billedUnreadable = { inputTokens: 0, outputTokens: 0, requests: 0 };
  let requests = 0;
  let lateEvents = 0;
  let heapAtThird = Number.NaN;

  const count = (usage: RunUsage) => {
    accounted.inputTokens += usage.inputTokens;
    accounted.outputTokens += usage.outputTokens;
    accounted.calls += usage.calls;
    abandoned.reported += usage.abandonedCalls;
    abandoned.reservedUsd += usage.abandonedReservedNanoUsd / 1e9;
  };
  const settle = (outcome: { ok: true; usage: RunUsage } | { ok: false; error: unknown }) => {
    if (outcome.ok) {
      outcomes["completed"] = (outcomes["completed"] ?? 0) + 1;
      return count(outcome.usage);
    }
    const error = outcome.error;
    const known = ERROR_CLASSES.find((errorClass) => error instanceof errorClass);
    if (known === undefined) {
      foreignErrors.push(String(error));
      return;
    }
    const cause = error instanceof StepExecutionError ? ` (${(error.cause as { _tag?: string })?._tag ?? String(error.cause)})` : "";
    const key = `${known.name}${cause}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    const usage = (error as { partial?: { usage: RunUsage } }).partial?.usage;
    if (usage !== undefined) count(usage);
  };

  /** Tallies the server's records of a finished chunk, then forgets them (so the server's memory is not the soak's). */
  const tally = async () => {
    await server.idle(10_000);
    const outcomeOf = new Map(server.requests.map((request) => [request.id, request.outcome]));
    requests += server.requests.length;
    abandoned.atServer += server.requests.filter((request) => request.outcome === "fault" || request.outcome === "aborted").length;
    for (const bill of server.billed) {
      const target = outcomeOf.get(bill.requestId) === "completed" ? billedReadable : billedUnreadable;
      target.inputTokens += bill.inputTokens;
      target.outputTokens += bill.outputTokens;
      if (target === billedUnreadable) billedUnreadable.requests++;
    }
    server.reset();
    server.setResponder(() => {
      const kind = draw();
      if (kind !== "ok") faults[kind]++;
      return specOf(kind);
    });
  };

  const chunks = Math.ceil(runs / chunk);
  for (let index = 0; index < chunks; index++) {
    const size = Math.min(chunk, runs - index * chunk);
    const inputs = Array.from({ length: size }, (_, offset) => ({ id: index * chunk + offset }));
    if (index % 2 === 0) {
      const batch = await diamond.runMany(inputs, { concurrency });
      for (const outcome of batch) settle(outcome.ok ? { ok: true, usage: outcome.result.usage } : { ok: false, error: outcome.error });
    } else {
      const queue = [...inputs];
      const worker = async () => {
        for (let input = queue.shift(); input !== undefined; input = queue.shift()) {
          let settled = false;
          const onEvent = (_event: PipelineEvent) => {
            if (settled) lateEvents++;
          };
          const outcome = await diamond.run(input, { onEvent }).then(
            (result) => ({ ok: true as const, usage: result.usage }),
            (error: unknown) => ({ ok: false as const, error }),
          );
          settled = true;
          settle(outcome);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    await tally();
    if (index === Math.floor(chunks / 3)) heapAtThird = heapMb();
  }
  // Events that would arrive late arrive within a few milliseconds of their run's end.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await server.close();
  await tick();
  const heapAfter = heapMb();
  const handlesAfter = handleCounts();
  const handlesLeft: Record<string, number> = {};
  for (const [type, after] of handlesAfter) {
    const before = handlesBefore.get(type) ?? 0;
    if (after > before) handlesLeft[type] = after - before;
  }
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  process.off("warning", onWarning);
  return {
    runs,
    requests,
    faults,
    outcomes,
    foreignErrors,
    unhandled: unhandled.length,
    warnings,
    lateEvents,
    billedReadable,
    accounted,
    billedUnreadable,
    abandoned,
    handlesLeft,
    heapMb: { before: heapBefore, atThird: heapAtThird, after: heapAfter },
    seconds: (performance.now() - started) / 1000,
  };
};
