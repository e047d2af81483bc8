import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMockOpenAI, type MockOpenAIServer } from "../../src/testing/index.js";
import { runChild } from "./crash.js";
import { itWithPostgres } from "./postgres.js";

let server: MockOpenAIServer;
beforeAll(async () => {
  server = await startMockOpenAI();
});
beforeEach(() => server.reset());
afterAll(() => server.close());

/** How many requests the server got for each step (the prompt starts with the step id). */
const requestsByStep = () => {
  const counts: Record<string, number> = {};
  for (const request of server.requests) {
    const body = request.body as { messages: Array<{ content: string }> };
    const step = /^(s\d):/.exec(body.messages.at(-1)!.content)?.[1] ?? "?";
    counts[step] = (counts[step] ?? 0) + 1;
  }
  return counts;
};

/** Kills a run during step 4, resumes it in a new process, and checks nothing completed ran twice. */
const crashAndResume = async (store: Record<string, string>) => {
  // Run ids of their own, so reruns of the suite against one PostgreSQL do not find old runs.
  const runId = `order-${Date.now()}`;
  const env = { ...store, SERVER_URL: server.url, RUN_ID: runId };
  const crashed = await runChild(env, "s4");
  expect(crashed.signal).toBe("SIGKILL");
  expect(crashed.started).toEqual(["s1", "s2", "s3", "s4"]);
  const resumed = await runChild(env);
  expect(resumed.code).toBe(0);
  // The resumed process started only the step that was in flight, and the one after it.
  expect(resumed.started).toEqual(["s4", "s5"]);
  const counts = requestsByStep();
  expect(counts.s1).toBe(1);
  expect(counts.s2).toBe(1);
  expect(counts.s3).toBe(1);
  expect(counts.s5).toBe(1);
  expect(resumed.result.durable).toMatchObject({ runId, replayed: ["s1", "s2", "s3"], possiblyDuplicated: ["s4"], fromJournal: false });

  // The same outputs as a run that never crashed.
  const clean = await runChild({ ...env, RUN_ID: `${runId}-clean` });
  expect(resumed.result.outputs).toEqual(clean.result.outputs);
  // Usage across the crash equals a crash-free run's: replayed steps count what they spent when they ran.
  expect(resumed.result.usage.byStep.s1).toEqual(clean.result.usage.byStep.s1);
  expect(resumed.result.usage.calls).toBe(clean.result.usage.calls);

  // Running the finished run again returns its stored result; nothing runs.
  const before = server.requests.length;
  const again = await runChild(env);
  expect(again.started).toEqual([]);
  expect(server.requests.length).toBe(before);
  expect(again.result.outputs).toEqual(clean.result.outputs);
  expect(again.result.durable.fromJournal).toBe(true);
};

describe("a durable run killed with SIGKILL resumes in another process", () => {
  it("on SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stepgraph-crash-"));
    await crashAndResume({ STORE: "sqlite", STORE_FILE: join(dir, "runs.db") });
  }, 60_000);

  itWithPostgres("on PostgreSQL", async (url) => {
    await crashAndResume({ STORE: "postgres", STORE_URL: url });
  }, 90_000);
});
