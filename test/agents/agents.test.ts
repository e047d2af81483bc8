import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AgentOutputError,
  AgentRequestError,
  StepExecutionError,
  agent,
  pipeline,
  tool,
} from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

describe("agents over the OpenAI SDK", () => {
  it("returns typed, validated structured output and accounts tokens and cost exactly", async () => {
    const extractor = agent({
      model: "openai:gpt-4o-mini",
      system: "Extract key entities from text.",
      output: z.object({ entities: z.array(z.string()) }),
    });
    mock.server.script({ json: { entities: ["Apple", "M5"] }, usage: { inputTokens: 1000, outputTokens: 40 } });
    const p = pipeline<{ document: string }>("extract", { client: mock.client }).step("extract", async (ctx) => {
      const response = await ctx.run(extractor, `Extract: ${ctx.input.document}`);
      return { entities: response.output.entities, usage: response.usage };
    });
    const result = await p.run({ document: "Apple announced the M5" });
    expect(result.output.entities).toEqual(["Apple", "M5"]);
    const expected = gpt4oMiniCost(1000, 40);
    expect(result.output.usage).toMatchObject({ inputTokens: 1000, outputTokens: 40, costNanoUsd: expected, calls: 1 });
    expect(result.usage.costNanoUsd).toBe(expected);
    expect(result.usage.costUsd).toBeCloseTo(expected / 1e9, 12);
    expect(result.usage.byStep.extract!.calls).toBe(1);
    expect(result.usage.byModel["gpt-4o-mini"]!.inputTokens).toBe(1000);
    const body = mock.server.requests[0]!.body as { model: string; response_format: { type: string }; messages: unknown[] };
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.response_format.type).toBe("json_schema");
    expect(body.messages).toEqual([
      { role: "system", content: "Extract key entities from text." },
      { role: "user", content: "Extract: Apple announced the M5" },
    ]);
    expect(mock.server.requests[0]!.headers["x-stainless-retry-count"]).toBe("0");
  });

  it("makes a one-call step with asStep, typed from the surrounding step", async () => {
    const summarizer = agent({ model: "gpt-4o-mini" });
    mock.server.script({ content: "A short summary." });
    const p = pipeline<{ text: string }>("summary", { client: mock.client }).step(
      "summarize",
      summarizer.asStep((ctx) => `Summarize: ${ctx.input.text}`),
    );
    const result = await p.run({ text: "Long text" });
    expect(result.output).toBe("A short summary.");
    expect(p.graph().nodes[0]).toMatchObject({ kind: "agent", config: { model: "gpt-4o-mini" } });
  });

  it("makes a one-call step with asStep from a fixed prompt", async () => {
    const poet = agent({ model: "gpt-4o-mini", system: "You write haiku." });
    mock.server.script({ content: "Steps wait in a line" });
    const p = pipeline("haiku", { client: mock.client }).step("write", poet.asStep("Write a haiku about pipelines."));
    const result = await p.run(undefined);
    expect(result.output).toBe("Steps wait in a line");
    const body = mock.server.requests[0]!.body as { messages: unknown[] };
    expect(body.messages).toEqual([
      { role: "system", content: "You write haiku." },
      { role: "user", content: "Write a haiku about pipelines." },
    ]);
  });

  it("never retries a 401 and says what to check", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.failNext(1, { type: "status", status: 401 });
    const p = pipeline("auth", { client: mock.client }).step("write", { retries: 3, retryDelay: 1 }, async (ctx) =>
      (await ctx.run(writer, "hi", { retries: 3, retryDelay: 1 })).output,
    );
    const error = (await rejection(p.run())) as StepExecutionError;
    expect(mock.server.requests).toHaveLength(1);
    expect(error.cause).toBeInstanceOf(AgentRequestError);
    expect((error.cause as AgentRequestError).status).toBe(401);
    expect(error.message).toContain("check OPENAI_API_KEY");
  });

  it("retries a 429 after the Retry-After delay", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.failNext(1, { type: "status", status: 429, retryAfter: 0.3 });
    mock.server.script({ content: "ok" });
    const p = pipeline("rate", { client: mock.client }).step("write", async (ctx) =>
      (await ctx.run(writer, "hi", { retries: 2, retryDelay: 1 })).output,
    );
    expect((await p.run()).output).toBe("ok");
    const [first, second] = mock.server.requests;
    expect(mock.server.requests).toHaveLength(2);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(290);
  });

  it("retries output that fails the schema and counts the billed failed attempt", async () => {
    const classifier = agent({ model: "gpt-4o-mini", output: z.object({ label: z.enum(["a", "b"]) }) });
    mock.server.script(
      { content: "not json", usage: { inputTokens: 10, outputTokens: 3 } },
      { json: { label: "b" }, usage: { inputTokens: 10, outputTokens: 5 } },
    );
    const p = pipeline("classify", { client: mock.client }).step("classify", { retries: 1, retryDelay: 1 }, async (ctx) =>
      (await ctx.run(classifier, "classify this")).output.label,
    );
    const result = await p.run();
    expect(result.output).toBe("b");
    expect(result.usage).toMatchObject({ inputTokens: 20, outputTokens: 8, calls: 2 });
    expect(result.usage.costNanoUsd).toBe(gpt4oMiniCost(20, 8));
    const failure = result.trace.find((event) => event.type === "retry");
    expect(failure?.type === "retry" && failure.error).toBeInstanceOf(AgentOutputError);
  });

  it("aborts the HTTP request when a call times out, and bills nothing for it", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.script({ content: "late", latencyMs: 2000 }, { content: "on time", usage: { inputTokens: 7, outputTokens: 2 } });
    const p = pipeline("timeouts", { client: mock.client }).step("write", async (ctx) =>
      (await ctx.run(writer, "hi", { timeout: 50, retries: 1, retryDelay: 1 })).output,
    );
    const result = await p.run();
    expect(result.output).toBe("on time");
    await mock.server.idle();
    expect(mock.server.requests.map((request) => request.aborted)).toEqual([true, false]);
    const billed = mock.server.totalBilled();
    expect(result.usage.inputTokens).toBe(billed.inputTokens);
    expect(result.usage.outputTokens).toBe(billed.outputTokens);
  });

  it("runs the tool-call loop with validated arguments and sums usage over turns", async () => {
    const calls: string[] = [];
    const assistant = agent({
      model: "gpt-4o-mini",
      tools: {
        weather: tool({
          description: "Weather for a city",
          parameters: z.object({ city: z.string() }),
          execute: ({ city }) => {
            calls.push(city);
            return `22 degrees in ${city}`;
          },
        }),
      },
    });
    mock.server.script(
      { toolCalls: [{ name: "weather", arguments: { town: "Oslo" } }], usage: { inputTokens: 50, outputTokens: 10 } },
      { toolCalls: [{ name: "weather", arguments: { city: "Oslo" } }], usage: { inputTokens: 60, outputTokens: 10 } },
      { content: "It is 22 degrees in Oslo.", usage: { inputTokens: 80, outputTokens: 9 } },
    );
    const p = pipeline("tools", { client: mock.client }).step("ask", (ctx) => ctx.run(assistant, "Weather in Oslo?"));
    const result = await p.run();
    expect(calls).toEqual(["Oslo"]);
    expect(result.output.output).toBe("It is 22 degrees in Oslo.");
    expect(result.output.turns).toBe(3);
    expect(result.output.usage).toMatchObject({ inputTokens: 190, outputTokens: 29, calls: 3 });
    const secondTurn = mock.server.requests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(secondTurn.messages.at(-1)!.content).toContain("invalid arguments");
  });

  it("streams text deltas and resolves to the response with usage", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    mock.server.script({ content: "one two three", usage: { inputTokens: 12, outputTokens: 3 } });
    const p = pipeline("stream", { client: mock.client }).step("write", async (ctx) => {
      const deltas: string[] = [];
      const stream = ctx.stream(writer, "Count");
      for await (const delta of stream) deltas.push(delta);
      const response = await stream;
      return { deltas, response };
    });
    const { output } = await p.run();
    expect(output.deltas.length).toBeGreaterThan(1);
    expect(output.deltas.join("")).toBe("one two three");
    expect(output.response.usage).toMatchObject({ inputTokens: 12, outputTokens: 3, costNanoUsd: gpt4oMiniCost(12, 3) });
    expect((mock.server.requests[0]!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it("reports cost as unknown, not zero, for a model without a price", async () => {
    const local = agent({ model: "llama-local" });
    mock.server.script({ content: "hi", usage: { inputTokens: 5, outputTokens: 1 } });
    const result = await pipeline("unpriced", { client: mock.client }).step("a", (ctx) => ctx.run(local, "hi")).run();
    expect(result.usage.costNanoUsd).toBeNull();
    expect(result.usage.costUsd).toBeNull();
    expect(result.usage.inputTokens).toBe(5);
  });

  it("uses prices given on the pipeline", async () => {
    const local = agent({ model: "llama-local" });
    mock.server.script({ content: "hi", usage: { inputTokens: 1000, outputTokens: 100 } });
    const p = pipeline("priced", { client: mock.client, pricing: { "llama-local": { input: 0.1, output: 0.2 } } }).step("a", (ctx) =>
      ctx.run(local, "hi"),
    );
    expect((await p.run()).usage.costNanoUsd).toBe(1000 * 100 + 100 * 200);
  });

  it("totals exactly what the server billed across retries, timeouts, bad output and failures", async () => {
    const classifier = agent({ model: "gpt-4o-mini", output: z.object({ label: z.string() }) });
    mock.server.failNext(1, { type: "status", status: 500 });
    mock.server.script(
      { content: "{oops", usage: { inputTokens: 31, outputTokens: 4 } },
      { json: { label: "x" }, latencyMs: 2000 },
      { json: { label: "y" }, usage: { inputTokens: 17, outputTokens: 6 } },
      { json: { label: "z" }, usage: { inputTokens: 19, outputTokens: 7 } },
    );
    const p = pipeline("exact", { client: mock.client })
      .step("first", { retries: 4, retryDelay: 1 }, async (ctx) =>
        (await ctx.run(classifier, "first", { timeout: 100 })).output.label,
      )
      .step("second", { after: ["first"] }, async (ctx) => (await ctx.run(classifier, "second")).output.label);
    const result = await p.run();
    expect(result.outputs).toEqual({ first: "y", second: "z" });
    await mock.server.idle();
    const billed = mock.server.totalBilled();
    expect(mock.server.requests).toHaveLength(5);
    expect(result.usage).toMatchObject({ inputTokens: billed.inputTokens, outputTokens: billed.outputTokens, calls: 3 });
    expect(result.usage.costNanoUsd).toBe(gpt4oMiniCost(billed.inputTokens, billed.outputTokens));
    expect(result.trace.filter((event) => event.type === "call")).toHaveLength(5);
  });
});
