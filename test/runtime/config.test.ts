import { describe, expect, it } from "vitest";
import { PipelineDefinitionError, StepExecutionError, StepTimeoutError, pipeline } from "../../src/index.js";

/** A step that counts its attempts and always fails, so `retries` shows in the count. */
const failingStep = (counter: { calls: number }) => () => {
  counter.calls++;
  throw new Error("always");
};

const attemptsWith = async (run: (counter: { calls: number }) => Promise<unknown>) => {
  const counter = { calls: 0 };
  await run(counter).catch((error: unknown) => {
    if (!(error instanceof StepExecutionError)) throw error;
  });
  return counter.calls;
};

describe("config resolution", () => {
  it("lets the most specific layer win: defaults < step < configure < run defaults < run steps", async () => {
    const build = (counter: { calls: number }) =>
      pipeline("layers", { defaults: { retries: 1, retryDelay: 0 } }).step("a", { retries: 2 }, failingStep(counter));
    expect(await attemptsWith((c) => pipeline("d", { defaults: { retries: 1, retryDelay: 0 } }).step("a", failingStep(c)).run())).toBe(2);
    expect(await attemptsWith((c) => build(c).run())).toBe(3);
    expect(await attemptsWith((c) => build(c).configure({ steps: { a: { retries: 3 } } }).run())).toBe(4);
    expect(
      await attemptsWith((c) => build(c).configure({ steps: { a: { retries: 3 } } }).run(undefined, { defaults: { retries: 0 } })),
    ).toBe(1);
    expect(
      await attemptsWith((c) =>
        build(c)
          .configure({ steps: { a: { retries: 3 } } })
          .run(undefined, { defaults: { retries: 0 }, steps: { a: { retries: 4 } } }),
      ),
    ).toBe(5);
  });

  it("accepts durations as milliseconds or Effect duration strings", async () => {
    const hang = () => new Promise<never>(() => undefined);
    for (const timeout of [15, "15 millis"] as const) {
      const error = await pipeline("durations").step("a", { timeout }, hang).run().catch((e: unknown) => e);
      expect(((error as StepExecutionError).cause as StepTimeoutError).timeoutMs).toBe(15);
    }
  });

  it("rejects configure() for a step that does not exist, for untyped callers", () => {
    const p = pipeline("cfg").step("a", () => 1);
    const untyped = p as unknown as { configure(config: unknown): unknown };
    expect(() => untyped.configure({ steps: { b: { retries: 1 } } })).toThrow(PipelineDefinitionError);
    expect(() => untyped.configure({ steps: { b: { retries: 1 } } })).toThrow('configure() names "b", which is not a step');
  });

  it("rejects a duration that is not one where it is written", () => {
    expect(() => pipeline("bad").step("a", { timeout: "soon" as never }, () => 1)).toThrow(PipelineDefinitionError);
    expect(() => pipeline("bad").step("a", { timeout: "soon" as never }, () => 1)).toThrow('"soon" is not a duration');
  });
});
