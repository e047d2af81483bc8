import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pipeline, PipelineInputError, StepExecutionError } from "../../src/index.js";

/** A pipeline of `length` steps in a chain, each built by `run` from its index. */
const chainOf = (length: number, run: (index: number) => unknown) => {
  let built = pipeline("chain") as unknown as {
    step(id: string, options: { after: string[] }, fn: () => unknown): typeof built;
    run(): Promise<{ status: string; output: unknown; outputs: Record<string, unknown>; trace: ReadonlyArray<{ type: string }> }>;
  };
  for (let index = 0; index < length; index++) {
    built = built.step(`s${index}`, { after: index === 0 ? [] : [`s${index - 1}`] }, () => run(index));
  }
  return built;
};

describe("how the scheduler awaits steps", () => {
  it("runs a long chain of Effect steps that finish as they are forked without growing the stack", async () => {
    const result = await chainOf(2000, (index) => Effect.map(Effect.succeed(index), (n) => n + 1)).run();
    expect(result.output).toBe(2000);
    expect(result.trace.filter((event) => event.type === "success")).toHaveLength(2000);
  });

  it("runs a long chain of thenables that call back at once without growing the stack", async () => {
    const thenable = (value: number) => ({ then: (resolve: (value: number) => void) => resolve(value) });
    const result = await chainOf(2000, (index) => thenable(index)).run();
    expect(result.output).toBe(1999);
    expect(Object.keys(result.outputs)).toHaveLength(2000);
  });

  it("lists outputs in the order the steps succeeded", async () => {
    const p = pipeline("order")
      .step("slow", () => new Promise<string>((resolve) => setTimeout(() => resolve("slow"), 5)))
      .step("fast", () => "fast")
      .step("last", { after: ["slow", "fast"] }, () => "last");
    const result = await p.run();
    expect(Object.keys(result.outputs)).toEqual(["fast", "slow", "last"]);
    expect(Object.keys(result.timing.steps)).toEqual(["fast", "slow", "last"]);
    expect(result.checkpoint.outputs).toEqual(result.outputs);
    expect(result.checkpoint.outputs).not.toBe(result.outputs);
  });

  it("lists outputs in the order the steps succeeded in a pipeline of many steps too", async () => {
    const count = 100;
    let built = pipeline("many") as unknown as {
      step(id: string, fn: () => unknown): typeof built;
      run(): Promise<{ outputs: Record<string, unknown>; timing: { steps: Record<string, unknown> } }>;
    };
    for (let index = 0; index < count; index++) {
      built = built.step(`s${index}`, async () => {
        for (let hop = index; hop < count; hop++) await Promise.resolve();
        return index;
      });
    }
    const result = await built.run();
    const finished = Array.from({ length: count }, (_, index) => `s${count - 1 - index}`);
    expect(Object.keys(result.outputs)).toEqual(finished);
    expect(Object.keys(result.timing.steps)).toEqual(finished);
    expect(result.outputs["s7"]).toBe(7);
    expect(Object.getPrototypeOf(result.outputs)).toBe(Object.prototype);
  });

  it("interrupts a running Effect step when another step fails with failFast, before run() rejects", async () => {
    const log: string[] = [];
    const p = pipeline("fast", { failFast: true })
      .step("hang", () => Effect.onInterrupt(Effect.never, () => Effect.sync(() => log.push("hang interrupted"))))
      .step("fail", () => Promise.reject(new Error("nope")));
    const error = await p.run().then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    expect(error).toBeInstanceOf(StepExecutionError);
    expect((error as StepExecutionError).stepId).toBe("fail");
    expect(log).toEqual(["hang interrupted"]);
  });

  it("validates the input with an asynchronous schema before any step runs", async () => {
    const started: string[] = [];
    const p = pipeline("async-schema", { input: z.object({ n: z.number() }).refine(async (value) => value.n > 0, "n must be positive") }).step(
      "double",
      (ctx) => {
        started.push("double");
        return ctx.input.n * 2;
      },
    );
    expect((await p.run({ n: 2 })).output).toBe(4);
    const error = await p.run({ n: -1 }).then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    expect(error).toBeInstanceOf(PipelineInputError);
    expect(started).toEqual(["double"]);
  });
});
