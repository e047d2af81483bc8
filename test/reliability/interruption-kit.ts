/**
 * Each way a run interrupts a step with a request in flight: the caller's
 * signal, the run's timeout, the step's timeout, failFast and a crossed
 * budget. For each: how long after the interruption the server saw the
 * request closed, and how many times the step's cleanup ran (an Effect
 * finalizer and a `ctx.signal` listener). Used by interruption.test.ts and
 * `npm run soak`.
 */
import OpenAI from "openai";
import * as Effect from "effect/Effect";
import { agent, pipeline } from "../../src/index.js";
import { startMockOpenAI, type MockOpenAIServer } from "../../src/testing/index.js";

export type InterruptionKind = "signal" | "run timeout" | "step timeout" | "failFast" | "budget";

export const INTERRUPTION_KINDS: ReadonlyArray<InterruptionKind> = ["signal", "run timeout", "step timeout", "failFast", "budget"];

export interface Interruption {
  readonly kind: InterruptionKind;
  /** The run's error class. */
  readonly error: string;
  /** Milliseconds from the interruption to the server seeing the request closed. */
  readonly closedAfterMs: number;
  readonly finalizers: number;
  readonly signalListeners: number;
  /** Whether the server recorded the request as aborted by the client. */
  readonly aborted: boolean;
}

const TIMEOUT_MS = 80;

/** Interrupts one run in the way `kind` says while its step's request hangs, and measures what happened. */
export const interrupt = async (server: MockOpenAIServer, kind: InterruptionKind): Promise<Interruption> => {
  server.reset();
  const client = new OpenAI({ baseURL: server.url, apiKey: "interrupt", maxRetries: 0 });
  const writer = agent({ model: "gpt-4o-mini" });
  const cleanup = { finalizers: 0, signalListeners: 0 };
  let interruptedAt = Number.NaN;
  server.setResponder((request) =>
    String((request.messages.at(-1) as { content?: unknown }).content) === "expensive"
      ? { content: "pricey", usage: { inputTokens: 1_000_000, outputTokens: 0 } }
      : { fault: { type: "hang" } },
  );
  const hanging = pipeline("interrupted", { client, failFast: kind === "failFast" }).step(
    "write",
    kind === "step timeout" ? { timeout: TIMEOUT_MS } : {},
    (ctx) => {
      ctx.signal.addEventListener("abort", () => cleanup.signalListeners++);
      return Effect.ensuring(
        Effect.promise(() => ctx.run(writer, "hang")),
        Effect.sync(() => cleanup.finalizers++),
      );
    },
  );
  const p =
    kind === "failFast"
      ? hanging.step("broken", async () => {
          await server.waitForRequests(1);
          interruptedAt = Date.now();
          throw new Error("broken");
        })
      : kind === "budget"
        ? hanging.step("expensive", async (ctx) => {
            await server.waitForRequests(1);
            const response = ctx.run(writer, "expensive");
            return response.finally(() => (interruptedAt = Date.now()));
          })
        : hanging;
  const controller = new AbortController();
  const startedAt = Date.now();
  const options =
    kind === "signal" ? { signal: controller.signal } : kind === "run timeout" ? { timeout: TIMEOUT_MS } : kind === "budget" ? { costBudget: 0.01 } : {};
  if (kind === "signal") {
    void server.waitForRequests(1).then(() => {
      interruptedAt = Date.now();
      controller.abort(new Error("the caller left"));
    });
  }
  const error = await (p as unknown as { run(input: undefined, options: object): Promise<unknown> }).run(undefined, options).then(
    () => new Error("the run completed"),
    (caught: unknown) => caught,
  );
  await server.idle(5_000);
  const request = server.requests.find((recorded) => JSON.stringify(recorded.body).includes('"hang"'));
  if (kind === "run timeout" || kind === "step timeout") interruptedAt = startedAt + TIMEOUT_MS;
  return {
    kind,
    error: (error as { _tag?: string })._tag ?? String(error),
    closedAfterMs: (request?.finishedAt ?? Number.NaN) - interruptedAt,
    finalizers: cleanup.finalizers,
    signalListeners: cleanup.signalListeners,
    aborted: request?.aborted ?? false,
  };
};

/** Runs every kind of interruption `rounds` times on one server. */
export const interruptions = async (rounds: number): Promise<Interruption[]> => {
  const server = await startMockOpenAI();
  const results: Interruption[] = [];
  try {
    for (let round = 0; round < rounds; round++) for (const kind of INTERRUPTION_KINDS) results.push(await interrupt(server, kind));
  } finally {
    await server.close();
  }
  return results;
};
