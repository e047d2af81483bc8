/**
 * With a recognisable API key in OPENAI_API_KEY, provoke a 401, a 500, a
 * timeout, a cut connection and a step failure, and scan everything the
 * library hands back or prints for the key: every error (message,
 * `String(error)`, stack, every property and cause, however deep), every
 * event and trace, result and checkpoint, the graph and its docs, and every
 * line written to the console.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { agent, pipeline, renderMarkdown, renderMermaid, type PipelineEvent } from "../../src/index.js";
import { startMockOpenAI, type MockOpenAIServer } from "../../src/testing/index.js";

const KEY = "sk-proj-CANARY0123456789abcdefCANARY";

/** Every string reachable from `value`: own properties (enumerable or not, symbols too), prototypes' getters, causes, `String()` and JSON. */
const strings = (value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] => {
  if (typeof value === "string") {
    out.push(value);
    return out;
  }
  if (typeof value !== "object" && typeof value !== "function") {
    out.push(String(value));
    return out;
  }
  if (value === null || seen.has(value)) return out;
  seen.add(value);
  try {
    out.push(String(value));
  } catch {
    // An object without a string form.
  }
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch {
    // Cyclic: its parts are visited below.
  }
  if (value instanceof Headers) {
    value.forEach((header, name) => out.push(`${name}: ${header}`));
  }
  for (let target: object | null = value as object; target !== null && target !== Object.prototype; target = Object.getPrototypeOf(target)) {
    for (const key of Reflect.ownKeys(target)) {
      let property: unknown;
      try {
        property = (value as Record<PropertyKey, unknown>)[key];
      } catch {
        continue;
      }
      if (typeof property === "function") continue;
      strings(property, out, seen);
    }
  }
  return out;
};

describe("the API key never leaks", () => {
  let server: MockOpenAIServer;
  const lines: string[] = [];
  const restore: Array<() => void> = [];

  beforeAll(async () => {
    server = await startMockOpenAI({ apiKey: KEY });
    process.env["OPENAI_API_KEY"] = KEY;
    process.env["OPENAI_BASE_URL"] = server.url;
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => void lines.push(...strings(args));
      restore.push(() => (console[method] = original));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: never[]) => {
        lines.push(String(chunk));
        return write(chunk as string, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }
  });
  afterAll(async () => {
    for (const undo of restore) undo();
    delete process.env["OPENAI_API_KEY"];
    delete process.env["OPENAI_BASE_URL"];
    await server.close();
  });

  it("in anything a run reports, whatever went wrong", async () => {
    const writer = agent({ model: "gpt-4o-mini", output: z.object({ value: z.string() }), maxTokens: 20 });
    const reported: unknown[] = [];
    const events: PipelineEvent[] = [];
    const p = pipeline("secrets", { costBudget: 1 })
      .step("write", { retries: 1, retryDelay: 1 }, (ctx) => ctx.run(writer, "hi", { timeout: 100 }))
      .step("after", { after: ["write"] }, (ctx) => ctx.dep("write").output.value);
    let sawKey = false;
    const run = async (setUp: () => void) => {
      sawKey ||= server.requests.some((request) => String(request.headers.authorization).includes(KEY));
      server.reset();
      setUp();
      const outcome = await p.run(undefined, { onEvent: (event) => events.push(event) }).then(
        (result) => result,
        (error: unknown) => error,
      );
      reported.push(outcome);
      await server.idle();
    };

    // A real 401: a client whose key (the canary with a suffix) the server does not accept.
    const wrongClient = new OpenAI({ baseURL: server.url, apiKey: `${KEY}-wrong`, maxRetries: 0 });
    const wrongKey = pipeline("wrongKey").step("write", (ctx) => ctx.run(agent({ model: "gpt-4o-mini", client: wrongClient }), "hi"));
    reported.push(await wrongKey.run().catch((error: unknown) => error));
    // The rest use the default client, which reads OPENAI_API_KEY.
    await run(() => server.failNext(1, { type: "status", status: 401 }));
    await run(() => server.failNext(2, { type: "status", status: 500 }));
    await run(() => server.failNext(2, { type: "hang" }));
    await run(() => server.failNext(2, { type: "reset" }));
    await run(() => server.script({ json: { wrong: true } }, { json: { wrong: true } }));
    await run(() => server.script({ json: { value: "fine" } }));

    const outcomes = reported.map((outcome) => (outcome instanceof Error ? outcome.constructor.name : "result"));
    expect(outcomes).toContain("StepExecutionError");
    expect(outcomes).toContain("result");
    const unauthorized = reported[0] as { cause: Error };
    expect(unauthorized.cause.message).toContain("check OPENAI_API_KEY");
    const everything = [
      ...strings(reported),
      ...strings(events),
      ...strings(p.graph()),
      renderMarkdown(p.graph()),
      renderMermaid(p.graph()),
      ...lines,
    ];
    expect(everything.length).toBeGreaterThan(100);
    const leaks = everything.filter((text) => text.includes(KEY) || text.includes(KEY.slice(8, 30)));
    expect(leaks).toEqual([]);
    // The scan finds a key held anywhere in what it walks (here, a client inside an object).
    expect(strings({ deep: { client: wrongClient } }).some((text) => text.includes(KEY))).toBe(true);
    // The server did see the key: the scan looked for something that was there to leak.
    expect(sawKey).toBe(true);
  });
});
