import { Effect } from "effect";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import {
  PipelineCancelledError,
  PipelineDefinitionError,
  PipelineInputError,
  PipelineTimeoutError,
  StepExecutionError,
  StepTimeoutError,
  pipeline,
} from "../../src/index.js";

/** Resolves when the signal aborts; records that it did. */
const untilAborted = (signal: AbortSignal, log: string[], name: string) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener("abort", () => {
      log.push(`${name} aborted`);
      reject(signal.reason);
    });
  });

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the run to reject");
};

describe("failures", () => {
  it("skips dependents of a failed step but finishes unrelated ones", async () => {
    const boom = new Error("boom");
    const p = pipeline("partial")
      .step("bad", (): number => {
        throw boom;
      })
      .step("good", () => new Promise<string>((resolve) => setTimeout(() => resolve("done"), 5)))
      .step("afterBad", { after: ["bad"] }, (ctx) => ctx.dep("bad") + 1)
      .step("afterAfterBad", { after: ["afterBad"] }, (ctx) => ctx.dep("afterBad") + 1)
      .step("afterGood", { after: ["good"] }, (ctx) => `${ctx.dep("good")}!`);
    const error = await rejection(p.run());
    expect(error).toBeInstanceOf(StepExecutionError);
    const failure = error as StepExecutionError;
    expect(failure.stepId).toBe("bad");
    expect(failure.cause).toBe(boom);
    expect(failure.attempts).toBe(1);
    expect(failure.partial.outputs).toEqual({ good: "done", afterGood: "done!" });
    const skipped = failure.partial.trace.filter((event) => event.type === "skip").map((event) => event.stepId);
    expect(skipped.sort()).toEqual(["afterAfterBad", "afterBad"]);
    expect(failure.message).toContain('step "bad" failed after 1 attempt: boom');
  });

  it("retries a failing step and reports every attempt", async () => {
    let calls = 0;
    const p = pipeline("retry").step("flaky", { retries: 2, retryDelay: 1 }, () => {
      calls++;
      throw new Error(`failure ${calls}`);
    });
    const error = (await rejection(p.run())) as StepExecutionError;
    expect(calls).toBe(3);
    expect(error.attempts).toBe(3);
    expect((error.cause as Error).message).toBe("failure 3");
    expect(error.partial.trace.map((event) => event.type)).toEqual([
      "start",
      "retry",
      "start",
      "retry",
      "start",
      "failure",
    ]);
  });

  it("does not retry errors that say they are not retryable", async () => {
    let calls = 0;
    const p = pipeline("fatal").step("auth", { retries: 5, retryDelay: 1 }, () => {
      calls++;
      throw Object.assign(new Error("bad key"), { retryable: false });
    });
    await rejection(p.run());
    expect(calls).toBe(1);
  });

  it("times out an attempt, aborts its signal, and retries it", async () => {
    const log: string[] = [];
    const p = pipeline("timeout").step("slow", { timeout: 20, retries: 1, retryDelay: 1 }, (ctx) =>
      untilAborted(ctx.signal, log, `attempt ${ctx.attempt}`),
    );
    const error = (await rejection(p.run())) as StepExecutionError;
    expect(error.cause).toBeInstanceOf(StepTimeoutError);
    expect((error.cause as StepTimeoutError).timeoutMs).toBe(20);
    expect(error.attempts).toBe(2);
    expect(log).toEqual(["attempt 1 aborted", "attempt 2 aborted"]);
  });

  it("interrupts in-flight steps at once with failFast", async () => {
    const log: string[] = [];
    const p = pipeline("fast", { failFast: true })
      .step("hang", (ctx) => untilAborted(ctx.signal, log, "hang"))
      .step("fail", () => Effect.fail(new Error("nope")));
    const error = (await rejection(p.run())) as StepExecutionError;
    expect(error.stepId).toBe("fail");
    expect(log).toEqual(["hang aborted"]);
  });

  it("rejects with PipelineCancelledError when the caller's signal aborts", async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const p = pipeline("cancel")
      .step("quick", () => "q")
      .step("hang", { after: ["quick"] }, (ctx) => {
        setTimeout(() => controller.abort("user left"), 1);
        return untilAborted(ctx.signal, log, "hang");
      });
    const error = (await rejection(p.run(undefined, { signal: controller.signal }))) as PipelineCancelledError;
    expect(error).toBeInstanceOf(PipelineCancelledError);
    expect(error.reason).toBe("user left");
    expect(error.partial.outputs).toEqual({ quick: "q" });
    expect(log).toEqual(["hang aborted"]);
  });

  it("rejects at once for a signal that is already aborted", async () => {
    let ran = false;
    const p = pipeline("precancelled").step("a", () => (ran = true));
    const error = await rejection(p.run(undefined, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(PipelineCancelledError);
    expect(ran).toBe(false);
  });

  it("bounds the whole run with its timeout", async () => {
    const log: string[] = [];
    const p = pipeline("deadline").step("hang", (ctx) => untilAborted(ctx.signal, log, "hang"));
    const error = (await rejection(p.run(undefined, { timeout: 20 }))) as PipelineTimeoutError;
    expect(error).toBeInstanceOf(PipelineTimeoutError);
    expect(error.timeoutMs).toBe(20);
    expect(log).toEqual(["hang aborted"]);
  });

  it("does not start a retry that cannot finish before the run's deadline", async () => {
    let calls = 0;
    const p = pipeline("no-late-retry").step("flaky", { retries: 5, retryDelay: "200 millis" }, () => {
      calls++;
      throw new Error("transient");
    });
    const error = (await rejection(p.run(undefined, { timeout: "1 second" }))) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(calls).toBeLessThan(6);
    const retries = error.partial.trace.filter((event) => event.type === "retry");
    const lastRetryAt = retries.reduce((at, event) => Math.max(at, event.at + (event.type === "retry" ? event.delayMs : 0)), 0);
    expect(lastRetryAt).toBeLessThan(1000);
  });

  it("rejects input that fails the schema before any step runs", async () => {
    let ran = false;
    const p = pipeline("typed", { input: z.object({ document: z.string().min(1) }) }).step("a", () => (ran = true));
    const error = (await rejection(p.run({ document: "" }))) as PipelineInputError;
    expect(error).toBeInstanceOf(PipelineInputError);
    expect(error.issues[0]!.path).toEqual(["document"]);
    expect(error.message).toContain("document:");
    expect(ran).toBe(false);
  });

  it("reports duplicate and unknown ids from untyped callers as PipelineDefinitionError", () => {
    const untyped = pipeline("js") as unknown as {
      step(id: string, ...rest: unknown[]): typeof untyped;
    };
    const once = untyped.step("a", () => 1);
    expect(() => once.step("a", () => 2)).toThrow(PipelineDefinitionError);
    expect(() => once.step("a", () => 2)).toThrow('step "a" is already defined in this pipeline');
    expect(() => once.step("b", { after: ["missing"] }, () => 2)).toThrow(/no earlier step has that id/);
  });

  it("checks each branch of a builder against its own steps only", async () => {
    const untyped = pipeline("branches") as unknown as {
      step(id: string, ...rest: unknown[]): typeof untyped;
      run(): Promise<{ outputs: Record<string, unknown> }>;
    };
    const base = untyped.step("root", () => 1);
    const left = base.step("left", () => "l");
    // A second branch off the same builder may reuse the id "left", but cannot see the first branch's steps.
    const right = base.step("left", () => "r").step("right", { after: ["left"] }, () => "r2");
    expect(() => base.step("next", { after: ["right"] }, () => 0)).toThrow(/no earlier step has that id/);
    expect(() => left.step("right", { after: ["left"] }, () => 0).step("right", () => 0)).toThrow('step "right" is already defined');
    // A failed step leaves the builder usable.
    expect(() => left.step("left", () => 0)).toThrow('step "left" is already defined');
    const done = left.step("after", { after: ["root", "left"] }, () => "ok");
    expect((await done.run()).outputs).toEqual({ root: 1, left: "l", after: "ok" });
    expect((await right.run()).outputs).toEqual({ root: 1, left: "r", right: "r2" });
  });

  it("rejects a step that reads a dependency it did not declare", async () => {
    const p = pipeline("undeclared")
      .step("a", () => 1)
      .step("b", (ctx) => (ctx as unknown as { dep(id: string): unknown }).dep("a"));
    const error = (await rejection(p.run())) as StepExecutionError;
    expect((error.cause as Error).message).toContain('"a" is not in its `after` list');
  });

  it("rejects invalid config with a message naming the step", async () => {
    expect(() => pipeline("config").step("a", { retries: -1 }, () => 1)).toThrow(PipelineDefinitionError);
    expect(() => pipeline("config").step("a", { retries: -1 }, () => 1)).toThrow(
      'Pipeline "config": step "a": retries must be a whole number of at least 0, got -1.',
    );
    const error = await rejection(pipeline("config").step("a", () => 1).run(undefined, { steps: { a: { retries: -1 } } }));
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    expect((error as Error).message).toBe('Pipeline "config": step "a": retries must be a whole number of at least 0, got -1.');
  });
});
