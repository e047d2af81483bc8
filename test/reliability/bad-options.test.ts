/**
 * Every invalid option value from untyped JavaScript, at every level
 * (pipeline, step, configure, run, call, batch), is refused with one error
 * class, PipelineDefinitionError, whose message names the option and says
 * what was given, before anything runs or is sent.
 */
import { describe, expect, it } from "vitest";
import { PipelineDefinitionError, StepExecutionError, agent, pipeline } from "../../src/index.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

/** The builder as untyped JavaScript sees it. */
type Untyped = {
  step(id: string, options: unknown, run?: (ctx: { run(a: unknown, m: string, o?: unknown): Promise<unknown> }) => unknown): Untyped;
  configure(options: unknown): Untyped;
  run(input?: unknown, options?: unknown): Promise<unknown>;
  runMany(inputs: unknown, options?: unknown): Promise<unknown>;
  runEach(inputs: unknown, options?: unknown): AsyncIterable<unknown>;
  graph(): unknown;
};
const untyped = (name: string, options?: unknown) => (pipeline as unknown as (name: string, options?: unknown) => Untyped)(name, options);

const thrown = (act: () => unknown): PipelineDefinitionError => {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    return error as PipelineDefinitionError;
  }
  return expect.unreachable("it should throw");
};

const rejected = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(() => expect.unreachable("it should reject"), (error: unknown) => error);

/** Bad values of each step option, and the words that must appear in the message. */
const badStepOptions: ReadonlyArray<readonly [string, unknown, string]> = [
  ["timeout", Number.NaN, "timeout: NaN is not a duration"],
  ["timeout", Number.POSITIVE_INFINITY, "timeout: Infinity is not a duration"],
  ["timeout", -5, "timeout: -5 is not a duration"],
  ["timeout", "5 parsecs", 'timeout: "5 parsecs" is not a duration'],
  ["timeout", null, "timeout: null is not a duration"],
  ["retryDelay", Number.NaN, "retryDelay: NaN is not a duration"],
  ["retries", Number.NaN, "retries must be a whole number of at least 0, got NaN"],
  ["retries", Number.POSITIVE_INFINITY, "retries must be a whole number of at least 0, got Infinity"],
  ["retries", -1, "retries must be a whole number of at least 0, got -1"],
  ["retries", 1.5, "retries must be a whole number of at least 0, got 1.5"],
  ["retries", "2", 'retries must be a whole number of at least 0, got "2"'],
  ["costBudget", Number.NaN, "costBudget must be a finite number of USD of at least 0, got NaN"],
  ["costBudget", -1, "costBudget must be a finite number of USD of at least 0, got -1"],
];

describe("bad option values from untyped code", () => {
  it.each(badStepOptions)("are refused at .step(): %s = %s", (option, value, words) => {
    const error = thrown(() => untyped("p").step("a", { [option]: value }, () => 1));
    expect(error.message).toContain(`step "a"`);
    expect(error.message).toContain(words);
  });

  it.each(badStepOptions)("are refused in pipeline defaults, configure defaults and configure steps: %s = %s", (option, value, words) => {
    expect(thrown(() => untyped("p", { defaults: { [option]: value } })).message).toContain(words);
    const p = untyped("p").step("a", () => 1);
    expect(thrown(() => p.configure({ defaults: { [option]: value } })).message).toContain(words);
    expect(thrown(() => p.configure({ steps: { a: { [option]: value } } })).message).toContain(`step "a"`);
  });

  it.each(badStepOptions)("reject a run with them in its defaults or steps, before any step starts: %s = %s", async (option, value, words) => {
    let started = false;
    const p = untyped("p").step("a", () => (started = true));
    for (const options of [{ defaults: { [option]: value } }, { steps: { a: { [option]: value } } }]) {
      const error = await rejected(p.run(undefined, options));
      expect(error).toBeInstanceOf(PipelineDefinitionError);
      expect((error as Error).message).toContain(words);
    }
    expect(started).toBe(false);
  });

  it("refuse bad run and pipeline settings, naming each", async () => {
    const p = untyped("p").step("a", () => 1);
    for (const [options, words] of [
      [{ timeout: Number.NaN }, "run timeout: NaN is not a duration"],
      [{ maxConcurrency: 0 }, "maxConcurrency must be a whole number of at least 1, got 0"],
      [{ costBudget: Number.NaN }, "costBudget must be a finite number of USD of at least 0, got NaN"],
    ] as const) {
      const error = await rejected(p.run(undefined, options));
      expect(error).toBeInstanceOf(PipelineDefinitionError);
      expect((error as Error).message).toContain(words);
    }
    expect(thrown(() => untyped("p", { maxConcurrency: 1.5 })).message).toContain("maxConcurrency must be a whole number of at least 1, got 1.5");
    expect(thrown(() => untyped("p", { costBudget: -1 })).message).toContain("got -1");
    expect(thrown(() => untyped("p", { failFast: "yes" })).message).toContain('failFast must be true or false, got "yes"');
    expect(thrown(() => p.configure({ maxConcurrency: Number.NaN })).message).toContain("got NaN");
  });

  it("reject a run whose steps option names an unknown step, in configure's words", async () => {
    const p = untyped("p").step("a", () => 1);
    const error = await rejected(p.run(undefined, { steps: { zz: { retries: 1 } } }));
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    expect((error as Error).message).toBe('Pipeline "p": the run\'s `steps` option names "zz", which is not a step of this pipeline.');
    expect(thrown(() => p.configure({ steps: { zz: {} } })).message).toBe('Pipeline "p": configure() names "zz", which is not a step of this pipeline.');
  });

  it.each([
    [{ retries: Number.NaN }, "retries must be a whole number of at least 0, got NaN"],
    [{ retries: Number.POSITIVE_INFINITY }, "retries must be a whole number of at least 0, got Infinity"],
    [{ retries: -1 }, "retries must be a whole number of at least 0, got -1"],
    [{ timeout: Number.NaN }, "timeout: NaN is not a duration"],
    [{ retryDelay: Number.POSITIVE_INFINITY }, "retryDelay: Infinity is not a duration"],
    [{ maxTokens: 0 }, "maxTokens must be a whole number of at least 1, got 0"],
    [{ temperature: Number.NaN }, "temperature must be a finite number of at least 0, got NaN"],
  ])("refuse call options %j before anything is sent, and the step is not retried", async (options, words) => {
    const writer = agent({ model: "gpt-4o-mini" });
    const p = untyped("calls", { client: mock.client }).step("write", { retries: 2 }, (ctx) => ctx.run(writer, "hi", options));
    const error = (await rejected(p.run())) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(error.attempts).toBe(1);
    expect(error.cause).toBeInstanceOf(PipelineDefinitionError);
    expect((error.cause as Error).message).toContain('Pipeline "calls": step "write", call to "gpt-4o-mini"');
    expect((error.cause as Error).message).toContain(words);
    expect(mock.server.requests).toHaveLength(0);
  });

  it("refuse bad batch options with the same class, naming the option", async () => {
    const p = untyped("batch").step("a", () => 1);
    for (const [options, words] of [
      [{ costBudget: Number.NaN }, "costBudget must be a finite number of USD of at least 0, got NaN"],
      [{ concurrency: 0 }, "concurrency must be a whole number of at least 1, got 0"],
    ] as const) {
      const error = await rejected(p.runMany([1], options));
      expect(error).toBeInstanceOf(PipelineDefinitionError);
      expect((error as Error).message).toContain(words);
      expect(thrown(() => p.runEach([1], options)).message).toContain(words);
    }
  });
});
