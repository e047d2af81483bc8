import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipeline } from "../../src/index.js";
import { DurableStoreError, sqliteStore } from "../../src/durable/index.js";
import { otlp } from "../../src/telemetry/index.js";
import { startReceiver, type Receiver } from "../telemetry/receiver.js";

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

describe("a durable run whose store closes mid-run", () => {
  it("resumes when the store is opened again: completed steps replayed, the step in flight marked possibly duplicated, in the result and on its spans", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "stepgraph-reopen-")), "runs.db");
    const calls: Array<string> = [];
    let release: (() => void) | undefined;
    let hang = true;
    const p = pipeline("reopen")
      .step("first", () => (calls.push("first"), "one"))
      .step("second", { after: ["first"] }, (ctx) => {
        calls.push("second");
        if (!hang) return `${ctx.dep("first")} two`;
        return new Promise<string>((resolve) => (release = () => resolve("late")));
      });
    const store = sqliteStore({ file });
    const cut = p.run(undefined, { durable: { store, runId: "reopen-1" } });
    const outcome = cut.then(
      () => undefined,
      (error: unknown) => error,
    );
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    // The step in flight does not finish within the drain: the store lets the run go.
    await store.close({ drainTimeoutMs: 50 });
    const error = await outcome;
    expect(error).toBeInstanceOf(DurableStoreError);
    expect((error as Error).message).toContain("closed while run \"reopen-1\" was in flight");

    hang = false;
    const reopened = sqliteStore({ file });
    try {
      const telemetry = otlp({ url: receiver.url, flush: true });
      const resumed = await p.run(undefined, { telemetry, durable: { store: reopened, runId: "reopen-1" } });
      expect(resumed.output).toBe("one two");
      expect(calls).toEqual(["first", "second", "second"]);
      expect(resumed.durable).toMatchObject({ replayed: ["first"], possiblyDuplicated: ["second"], fromJournal: false });
      const steps = new Map(receiver.spans.filter((span) => span.attributes["stepgraph.step.id"] !== undefined).map((span) => [span.attributes["stepgraph.step.id"], span]));
      expect(steps.get("first")?.attributes["stepgraph.step.replayed"]).toBe(true);
      expect(steps.get("second")?.attributes["stepgraph.step.possibly_duplicated"]).toBe(true);
      expect(steps.get("second")?.attributes["stepgraph.step.replayed"]).toBeUndefined();
      const root = receiver.spans.find((span) => span.name === "invoke_workflow reopen");
      expect(root?.attributes["stepgraph.run.id"]).toBe("reopen-1");
    } finally {
      await reopened.close();
    }
  });
});
