/**
 * Model-call defaults at every level (`call: { timeout, retries, retryDelay }`
 * in pipeline `defaults`, `configure`, a step's options and run options),
 * resolved in the step config's precedence, with a call's own options the
 * most specific; and `ctx.config`, the step's resolved config.
 */
import { describe, expect, it } from "vitest";
import { agent, pipeline, PipelineDefinitionError, type ResolvedStepConfig } from "../../src/index.js";
import { useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();
const writer = agent({ model: "gpt-4o-mini" });

/** A pipeline of one step that calls the writer once; `fails` 500s come first. */
const oneCall = (fails: number, pipelineOptions: Parameters<typeof pipeline>[1] = {}, stepOptions: Record<string, unknown> = {}) => {
  if (fails > 0) mock.server.failNext(fails, { type: "status", status: 500 });
  mock.server.script({ content: "ok" });
  return pipeline("calls", { client: mock.client, ...pipelineOptions }).step("write", stepOptions, async (ctx) => (await ctx.run(writer, "hi")).output);
};

describe("call defaults", () => {
  it("retries no call by default: one 500 fails the step", async () => {
    await expect(oneCall(1).run()).rejects.toMatchObject({ _tag: "StepExecutionError", attempts: 1 });
    expect(mock.server.requests).toHaveLength(1);
  });

  it("takes call retries from pipeline defaults, configure, the step, run defaults and run steps", async () => {
    const call = { retries: 2, retryDelay: 1 };
    const levels = [
      () => oneCall(2, { defaults: { call } }).run(),
      () => oneCall(2).configure({ defaults: { call } }).run(),
      () => oneCall(2, {}, { call }).run(),
      () => oneCall(2).configure({ steps: { write: { call } } }).run(),
      () => oneCall(2).run(undefined, { defaults: { call } }),
      () => oneCall(2).run(undefined, { steps: { write: { call } } }),
    ];
    for (const run of levels) {
      mock.server.reset();
      const result = await run();
      expect(result.output).toBe("ok");
      // Retried by the call, not the step: one attempt of the step, three requests.
      expect(result.trace.filter((event) => event.type === "start")).toHaveLength(1);
      expect(mock.server.requests).toHaveLength(3);
    }
  });

  it("lets the more specific level win, field by field, and the call's own options over all", async () => {
    // The pipeline says 0 retries, the step 2: the step wins.
    const p = oneCall(2, { defaults: { call: { retries: 0, retryDelay: 1 } } }, { call: { retries: 2 } });
    expect((await p.run()).output).toBe("ok");
    // The run's defaults beat the step's own options, as for step config: 0 retries, so the 500 fails it.
    mock.server.reset();
    const q = oneCall(1, {}, { call: { retries: 3, retryDelay: 1 } });
    await expect(q.run(undefined, { defaults: { call: { retries: 0 } } })).rejects.toMatchObject({ _tag: "StepExecutionError" });
    expect(mock.server.requests).toHaveLength(1);
    // A call's own `retries: 0` beats every level.
    mock.server.reset();
    mock.server.failNext(1, { type: "status", status: 500 });
    const own = pipeline("own", { client: mock.client, defaults: { call: { retries: 3, retryDelay: 1 } } }).step(
      "write",
      async (ctx) => (await ctx.run(writer, "hi", { retries: 0 })).output,
    );
    await expect(own.run()).rejects.toMatchObject({ _tag: "StepExecutionError" });
    expect(mock.server.requests).toHaveLength(1);
  });

  it("applies a default call timeout per attempt, and retries after it", async () => {
    mock.server.failNext(1, { type: "hang" });
    mock.server.script({ content: "ok" });
    const p = pipeline("slow", { client: mock.client, defaults: { call: { timeout: 100, retries: 1, retryDelay: 1 } } }).step(
      "write",
      async (ctx) => (await ctx.run(writer, "hi")).output,
    );
    const result = await p.run();
    expect(result.output).toBe("ok");
    expect(mock.server.requests).toHaveLength(2);
    expect(result.usage.abandonedCalls).toBe(1);
  });

  it("applies to streams and asStep too", async () => {
    mock.server.failNext(1, { type: "status", status: 500 });
    mock.server.script({ content: "streamed" }, { content: "stepped" });
    const p = pipeline("both", { client: mock.client, defaults: { call: { retries: 1, retryDelay: 1 } } })
      .step("stream", async (ctx) => (await ctx.stream(writer, "hi")).output)
      .step("asStep", { after: ["stream"] }, writer.asStep("hello"));
    const result = await p.run();
    expect(result.outputs).toEqual({ stream: "streamed", asStep: "stepped" });
    expect(mock.server.requests).toHaveLength(3);
  });

  it("refuses bad values where they are written, in the words of step options", () => {
    const refused = (define: () => unknown): string => {
      try {
        define();
      } catch (error) {
        expect(error).toBeInstanceOf(PipelineDefinitionError);
        return (error as Error).message;
      }
      return expect.unreachable("should throw");
    };
    expect(refused(() => pipeline("p", { defaults: { call: { retries: Number.NaN } } }))).toContain(
      "pipeline options defaults: call.retries must be a whole number of at least 0, got NaN.",
    );
    expect(refused(() => pipeline("p").step("a", { call: { retries: -1 } }, () => 1))).toContain('step "a": call.retries must be a whole number of at least 0, got -1.');
    expect(refused(() => pipeline("p").step("a", { call: { timeout: "soon" as never } }, () => 1))).toContain('step "a" call.timeout');
    expect(refused(() => pipeline("p").step("a", () => 1).configure({ steps: { a: { call: 3 as never } } }))).toContain('step "a": call must be an object, got 3.');
  });

  it("rejects a run whose call defaults are bad before any step runs", async () => {
    const p = pipeline("p", { client: mock.client }).step("a", () => 1);
    await expect(p.run(undefined, { defaults: { call: { retryDelay: Number.POSITIVE_INFINITY } } })).rejects.toBeInstanceOf(PipelineDefinitionError);
  });
});

describe("ctx.config", () => {
  it("is the step's resolved config, durations in milliseconds, frozen", async () => {
    let seen: ResolvedStepConfig | undefined;
    const p = pipeline("config", { defaults: { retryDelay: "1 second", call: { timeout: "30 seconds" } } })
      .step("a", { timeout: "5 seconds", call: { retries: 2 } }, (ctx) => {
        seen = ctx.config;
        return 1;
      })
      .configure({ steps: { a: { costBudget: 0.5 } } });
    await p.run(undefined, { steps: { a: { retries: 1 } } });
    expect(seen).toEqual({
      timeoutMs: 5000,
      retries: 1,
      retryDelayMs: 1000,
      costBudget: 0.5,
      call: { timeoutMs: 30_000, retries: 2, retryDelayMs: 100 },
    });
    expect(Object.isFrozen(seen)).toBe(true);
    expect(Object.isFrozen(seen!.call)).toBe(true);
    expect(() => {
      (seen as { retries: number }).retries = 9;
    }).toThrow(TypeError);
  });

  it("shows the defaults for a step with no config", async () => {
    const p = pipeline("plain").step("a", (ctx) => ctx.config);
    expect((await p.run()).output).toEqual({
      timeoutMs: undefined,
      retries: 0,
      retryDelayMs: 100,
      costBudget: undefined,
      call: { timeoutMs: undefined, retries: 0, retryDelayMs: 100 },
    });
  });
});
