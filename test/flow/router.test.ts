import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { agent, CheckpointMismatchError, PipelineInputError, pipeline, StepExecutionError } from "../../src/index.js";
import { RouteError, router } from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

type Doc = { text: string };

const simple = pipeline<Doc>("simple_pipeline").step("summary", (ctx) => ctx.input.text.slice(0, 5));
const complex = pipeline<Doc>("complex_pipeline")
  .step("sentences", (ctx) => ctx.input.text.split(". "))
  .step("outline", { after: ["sentences"] }, (ctx) => ({ points: ctx.dep("sentences").length }));

const documents = (route: (input: Doc) => "simple" | "complex" | Promise<"simple" | "complex">) =>
  router("document_router", { routes: { simple, complex }, route, fallback: "simple" });

describe("routers", () => {
  it("runs the route its route function picks, and says which", async () => {
    const docs = documents(async (input) => (input.text.split(" ").length < 5 ? "simple" : "complex"));
    const short = await docs.run({ text: "Hello there" });
    expect(short.route).toBe("simple");
    expect(short.output).toBe("Hello");
    const long = await docs.run({ text: "One two three. Four five six. Seven." });
    expect(long.route).toBe("complex");
    expect(long.output).toEqual({ points: 3 });
    expect(long.outputs).toEqual({ sentences: ["One two three", "Four five six", "Seven."], outline: { points: 3 } });
  });

  it("types the result as the union of the routes' results, narrowed by `route`", async () => {
    const docs = documents(() => "complex");
    const result = await docs.run({ text: "a. b" });
    expectTypeOf(result.route).toEqualTypeOf<"simple" | "complex">();
    expectTypeOf(result.output).toEqualTypeOf<string | { points: number }>();
    if (result.route === "complex") expectTypeOf(result.outputs.outline).toEqualTypeOf<{ points: number }>();
    if (result.route === "simple") expectTypeOf(result.outputs.summary).toEqualTypeOf<string>();
  });

  it("takes the fallback when the route function throws or names no route", async () => {
    const throwing = documents(() => {
      throw new Error("classifier down");
    });
    const thrown = await throwing.run({ text: "a. b" });
    expect(thrown.route).toBe("simple");
    expect(thrown.trace.find((event) => event.type === "failure")).toMatchObject({ stepId: "document_router" });
    const unknown = documents(() => "medium" as "simple");
    expect((await unknown.run({ text: "a. b" })).route).toBe("simple");
  });

  it("rejects with RouteError when there is no fallback", async () => {
    const strict = router("strict", { routes: { simple, complex }, route: () => "medium" as "simple" });
    const error = (await rejection(strict.run({ text: "x" }))) as RouteError;
    expect(error).toBeInstanceOf(RouteError);
    expect(error.returned).toBe("medium");
    expect(error.message).toBe(
      'Router "strict" could not choose a route: its route function returned "medium", which is not one of its routes ("simple", "complex"). Return one of the route names, or give the router a `fallback` route.',
    );
    const failing = router("failing", {
      routes: { simple },
      route: (): "simple" => {
        throw new Error("boom");
      },
    });
    expect(((await rejection(failing.run({ text: "x" }))) as RouteError).message).toContain("its route function failed: boom");
  });

  it("retries the route function with its config before falling back", async () => {
    let attempts = 0;
    const docs = router("retrying", {
      routes: { simple, complex },
      route: async () => {
        if (++attempts < 2) throw new Error("flaky");
        return "complex" as const;
      },
      config: { retries: 2, retryDelay: 1 },
      fallback: "simple",
    });
    expect((await docs.run({ text: "a. b" })).route).toBe("complex");
    expect(attempts).toBe(2);
  });

  it("gives the route function the input, services and a step context", async () => {
    const seen: unknown[] = [];
    const lookup = pipeline<Doc>("lookup")
      .withServices<{ prefix: string }>()
      .step("tagged", (ctx) => `${ctx.services.prefix}${ctx.input.text}`);
    const docs = router("with_services", {
      routes: { lookup },
      route: (input, ctx) => {
        seen.push(input.text, ctx.services.prefix, ctx.stepId, ctx.signal.aborted, ctx.attempt);
        return "lookup";
      },
    });
    const result = await docs.run({ text: "doc" }, { services: { prefix: "> " } });
    expect(result.output).toBe("> doc");
    expect(seen).toEqual(["doc", "> ", "with_services", false, 1]);
  });

  it("counts the route function's usage under its name and the route's nested under the route's", async () => {
    mock.server.setResponder((request) => {
      const prompt = JSON.stringify(request.messages);
      return prompt.includes("Classify")
        ? { content: "complex", usage: { inputTokens: 50, outputTokens: 1 } }
        : { content: "an outline", usage: { inputTokens: 200, outputTokens: 30 } };
    });
    const classifier = agent({ model: "gpt-4o-mini" });
    const writer = agent({ model: "gpt-4o-mini" });
    const outline = pipeline<Doc>("outline_pipeline", { client: mock.client }).step("outline", async (ctx) =>
      (await ctx.run(writer, `Outline: ${ctx.input.text}`)).output,
    );
    const docs = router("llm_router", {
      routes: { simple, complex: outline },
      route: async (input, ctx) => ((await ctx.run(classifier, `Classify: ${input.text}`)).output === "complex" ? "complex" : "simple"),
    });
    const result = await docs.run({ text: "A document" }, { client: mock.client });
    expect(result.route).toBe("complex");
    expect(result.usage.calls).toBe(2);
    expect(result.usage.costNanoUsd).toBe(gpt4oMiniCost(50, 1) + gpt4oMiniCost(200, 30));
    expect(result.usage.byStep["llm_router"]).toMatchObject({ calls: 1, costNanoUsd: gpt4oMiniCost(50, 1) });
    expect(result.usage.byStep["complex"]).toMatchObject({ calls: 1, costNanoUsd: gpt4oMiniCost(200, 30) });
    expect(result.usage.byModel["gpt-4o-mini"]).toMatchObject({ calls: 2 });
    expect(result.trace.map((event) => `${event.type} ${event.stepId}`)).toEqual([
      "start llm_router",
      "call llm_router",
      "success llm_router",
      "start complex/outline",
      "call complex/outline",
      "success complex/outline",
    ]);
    expect(Object.keys(result.timing.steps)).toEqual(["llm_router", "complex"]);
    expect(result.timing.steps["complex"]!.start).toBeGreaterThanOrEqual(result.timing.steps["llm_router"]!.end);
    expect(result.outputs).toEqual({ outline: "an outline" });
  });

  it("reports the routing step's usage and trace in the route's error too", async () => {
    mock.server.script({ content: "broken", usage: { inputTokens: 40, outputTokens: 2 } });
    const classifier = agent({ model: "gpt-4o-mini" });
    const broken = pipeline<Doc>("broken_pipeline").step("fail", (): string => {
      throw new Error("route failed");
    });
    const docs = router("failing_route", {
      routes: { simple, broken },
      route: async (input, ctx) => ((await ctx.run(classifier, input.text)).output === "broken" ? "broken" : "simple"),
    });
    const error = (await rejection(docs.run({ text: "x" }, { client: mock.client }))) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(error.stepId).toBe("fail");
    expect(error.partial.usage.byStep["failing_route"]).toMatchObject({ calls: 1, costNanoUsd: gpt4oMiniCost(40, 2) });
    expect(error.partial.trace.map((event) => `${event.type} ${event.stepId}`)).toEqual([
      "start failing_route",
      "call failing_route",
      "success failing_route",
      "start broken/fail",
      "failure broken/fail",
    ]);
  });

  it("runs as a step of another pipeline, nesting its usage and showing as a router node", async () => {
    mock.server.script({ content: "simple", usage: { inputTokens: 10, outputTokens: 1 } });
    const classifier = agent({ model: "gpt-4o-mini" });
    const docs = router("triage", {
      routes: { simple, complex },
      route: async (input, ctx) => ((await ctx.run(classifier, input.text)).output === "complex" ? "complex" : "simple"),
    });
    const parent = pipeline<{ raw: string }>("inbox", { client: mock.client })
      .step("clean", (ctx) => ctx.input.raw.trim())
      .step("handle", { after: ["clean"] }, docs.asStep((ctx) => ({ text: ctx.dep("clean") })));
    const result = await parent.run({ raw: "  Hello world  " });
    expectTypeOf(result.outputs.handle).toEqualTypeOf<string | { points: number }>();
    expect(result.output).toBe("Hello");
    expect(result.usage.byStep["handle"]).toMatchObject({ calls: 1, costNanoUsd: gpt4oMiniCost(10, 1) });
    expect(parent.graph().nodes[1]).toMatchObject({ id: "handle", kind: "router", pipeline: "triage", routes: ["simple", "complex"] });
  });

  it("counts a failed routing call's usage in the parent of a router run as a step", async () => {
    mock.server.script({ content: "medium", usage: { inputTokens: 30, outputTokens: 1 } });
    const classifier = agent({ model: "gpt-4o-mini" });
    const strict = router("strict_triage", {
      routes: { simple, complex },
      route: async (input, ctx) => (await ctx.run(classifier, input.text)).output as "simple",
    });
    const parent = pipeline<{ raw: string }>("inbox", { client: mock.client }).step("handle", strict.asStep((ctx) => ({ text: ctx.input.raw })));
    const error = (await rejection(parent.run({ raw: "x" }))) as StepExecutionError;
    expect(error.cause).toBeInstanceOf(RouteError);
    expect(error.partial.usage.byStep["handle"]).toMatchObject({ calls: 1, costNanoUsd: gpt4oMiniCost(30, 1) });
  });

  it("has a graph of one router node listing its routes", () => {
    const docs = documents(() => "simple");
    expect(docs.graph()).toEqual({
      name: "document_router",
      nodes: [{ id: "document_router", kind: "router", after: [], config: {}, routes: ["simple", "complex"] }],
      edges: [],
    });
    expect(docs.toMermaid()).toBe(
      [
        "flowchart TD",
        '  s0{"document_router"}',
        '  s0 -. "simple" .-> s0r0(["simple"])',
        '  s0 -. "complex" .-> s0r1(["complex"])',
        "",
      ].join("\n"),
    );
  });

  it("checks its input with its own schema, and hands the routes the parsed value", async () => {
    const docs = router("parsed", {
      input: z.object({ text: z.string().trim() }),
      routes: { simple },
      route: (input) => {
        expectTypeOf(input).toEqualTypeOf<{ text: string }>();
        return "simple";
      },
    });
    expect((await docs.run({ text: "   padded text" })).output).toBe("padde");
    expect(await rejection(docs.run({ text: 3 } as unknown as Doc))).toBeInstanceOf(PipelineInputError);
  });

  it("resumes a stopped route from its checkpoint without routing again", async () => {
    let routed = 0;
    const ask = pipeline<{ text: string; email?: string }>("ask_email")
      .step("read", (ctx) => ctx.input.text)
      .step("email", { after: ["read"] }, (ctx) => (ctx.input.email === undefined ? ctx.stop({ missing: "email" }) : ctx.input.email));
    const docs = router("support", {
      routes: { simple, ask },
      route: () => {
        routed++;
        return "ask";
      },
    });
    const first = await docs.run({ text: "help" });
    expect(first.status).toBe("stopped");
    expect(first.route).toBe("ask");
    const second = await docs.run({ text: "help", email: "a@b.c" }, { resume: first.checkpoint });
    expect(second.status).toBe("completed");
    expect(second.route).toBe("ask");
    expect(second.output).toBe("a@b.c");
    expect(routed).toBe(1);
    expect(await rejection(docs.run({ text: "x" }, { resume: { pipeline: "other", steps: [], outputs: {} } }))).toBeInstanceOf(
      CheckpointMismatchError,
    );
  });

  it("runs batches like a pipeline", async () => {
    const docs = documents((input) => (input.text.includes(".") ? "complex" : "simple"));
    const outcomes = await docs.runMany([{ text: "a. b" }, { text: "plain" }], { concurrency: 2 });
    expect(outcomes.map((outcome) => outcome.ok && outcome.result.route)).toEqual(["complex", "simple"]);
  });

  it("rejects routes that are not pipelines and a fallback that is not a route, when built", () => {
    expect(() => router("bad", { routes: { simple, other: {} as typeof simple }, route: () => "simple" })).toThrow(
      'Pipeline "bad": route "other" is not a pipeline or a router.',
    );
    expect(() => router("bad", { routes: { simple }, route: () => "simple", fallback: "nope" as "simple" })).toThrow(
      'its fallback "nope" is not one of its routes',
    );
    expect(() => router("simple", { routes: { simple }, route: () => "simple" })).toThrow(
      'Pipeline "simple": route "simple" has the router\'s own name',
    );
  });
});
