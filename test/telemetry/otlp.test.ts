import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { FetchHttpClient } from "effect/http";
import { OtlpSerialization, OtlpTracer } from "effect/observability";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { agent, CallSkippedError, pipeline, StepExecutionError, tool } from "../../src/index.js";
import { otlp } from "../../src/telemetry/index.js";
import { startMockOpenAI, type MockOpenAIServer } from "../../src/testing/index.js";
import { documentPipeline } from "../../examples/document.js";
import { support } from "../../examples/router.js";
import { startReceiver, type ReceivedSpan, type Receiver } from "./receiver.js";

const API_KEY = "sk-test-telemetry-secret-5f0c";
const DOCUMENT = "Acme Corp opened a factory in Lyon, said CEO Jane Roe.";

let server: MockOpenAIServer;
let receiver: Receiver;
let client: OpenAI;

beforeAll(async () => {
  server = await startMockOpenAI({ apiKey: API_KEY });
  client = new OpenAI({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  server.reset();
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const weatherAgent = agent({
  model: "gpt-4o-mini",
  system: "Answer with the weather tool.",
  tools: {
    weather: tool({ description: "Weather in a city", parameters: z.object({ city: z.string() }), execute: async ({ city }) => `${city}: 12°C, rain` }),
  },
  maxTokens: 100,
});
const slowWriter = agent({ model: "gpt-4o-mini", system: "Summarise the findings.", maxTokens: 50 });

/**
 * The document example nested as a sub-pipeline, the router example as a
 * step, a tool-calling agent, a step whose first attempt times out, and a
 * step that fails: every kind of span in one run, in a fixed order so that
 * the server's faults land where intended.
 */
const traced = pipeline("traced_document", { input: z.object({ document: z.string() }) })
  .step("document", documentPipeline.asStep((ctx) => ({ document: ctx.input.document })))
  .step("support", { after: ["document"] }, support.asStep((ctx) => ({ id: "7", text: ctx.input.document })))
  .step("weather", { after: ["support"] }, async (ctx) => (await ctx.run(weatherAgent, "Weather in Oslo?")).output)
  .step("summary", { after: ["weather"], timeout: 400, retries: 1 }, async (ctx) => (await ctx.run(slowWriter, "Summarise.")).output)
  .step("publish", { after: ["summary"] }, (): string => {
    throw new Error("the publisher is down");
  });

/** Answers for the agents of `traced`: a tool call then a reply for the weather agent, a hang then a reply for the writer. */
const scriptServer = () => {
  let weatherTurns = 0;
  let summaries = 0;
  server.setResponder((request) => {
    const system = request.messages.find((message) => message.role === "system")?.content;
    if (system === "Answer with the weather tool.") {
      return weatherTurns++ === 0
        ? { toolCalls: [{ id: "call_1", name: "weather", arguments: { city: "Oslo" } }], usage: { inputTokens: 40, outputTokens: 12 } }
        : { content: "Rain in Oslo.", usage: { inputTokens: 70, outputTokens: 6, cachedInputTokens: 32 } };
    }
    if (system === "Summarise the findings.") return summaries++ === 0 ? { fault: { type: "hang" } } : { content: "All done." };
    return undefined;
  });
  // The first request of the run is the document's extract step: a 429, retried by the step.
  server.failNext(1, { type: "status", status: 429, retryAfter: 0 });
};

const byId = (spans: ReadonlyArray<ReceivedSpan>) => new Map(spans.map((span) => [span.spanId, span]));
const childrenOf = (spans: ReadonlyArray<ReceivedSpan>, parent: ReceivedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId);
const named = (spans: ReadonlyArray<ReceivedSpan>, name: string) => spans.filter((span) => span.name === name);
const one = (spans: ReadonlyArray<ReceivedSpan>, name: string, parent?: ReceivedSpan) => {
  const found = named(spans, name).filter((span) => parent === undefined || span.parentSpanId === parent.spanId);
  expect(found.map((span) => span.name), `one span "${name}"`).toEqual([name]);
  return found[0]!;
};
/** Every span below `span`, at any depth. */
const below = (spans: ReadonlyArray<ReceivedSpan>, span: ReceivedSpan): ReceivedSpan[] =>
  childrenOf(spans, span).flatMap((child) => [child, ...below(spans, child)]);
const chats = (spans: ReadonlyArray<ReceivedSpan>) => spans.filter((span) => span.attributes["gen_ai.operation.name"] === "chat");
const sum = (spans: ReadonlyArray<ReceivedSpan>, key: string) => spans.reduce((total, span) => total + Number(span.attributes[key] ?? 0), 0);

describe("OTLP tracing of a run (otlp() to an in-process receiver)", () => {
  it("sends one trace whose tree, attributes, tokens and costs match the run and what the server billed", async () => {
    scriptServer();
    const telemetry = otlp({ url: receiver.url, serviceName: "telemetry-test", flush: true });
    const error = await traced.run({ document: DOCUMENT }, { client, telemetry }).then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    // flush: true: sent before the run rejected.
    const sentBeforeClose = receiver.spans.length;
    await telemetry.close();
    expect(sentBeforeClose).toBe(receiver.spans.length);
    expect(error).toBeInstanceOf(StepExecutionError);
    const usage = (error as StepExecutionError).partial.usage;
    const spans = receiver.spans;

    // One trace, one root.
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(spans.every((span) => span.serviceName === "telemetry-test")).toBe(true);
    const ids = byId(spans);
    expect(spans.filter((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId))).toEqual([]);
    const roots = spans.filter((span) => span.parentSpanId === undefined);
    expect(roots.map((span) => span.name)).toEqual(["invoke_workflow traced_document"]);
    const root = roots[0]!;
    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_workflow",
      "gen_ai.workflow.name": "traced_document",
      "stepgraph.run.status": "failed",
      "error.type": "StepExecutionError",
    });
    expect(typeof root.attributes["stepgraph.run.id"]).toBe("string");
    expect(root.status.code).toBe(2);

    // A span per step attempt, under the run, with its outcome.
    const steps = childrenOf(spans, root);
    const outcomes = steps.map((span) => [span.attributes["stepgraph.step.id"], span.attributes["stepgraph.step.attempt"], span.attributes["stepgraph.step.outcome"]]);
    expect(outcomes).toEqual([
      ["document", 1, "success"],
      ["support", 1, "success"],
      ["weather", 1, "success"],
      ["summary", 1, "retried"],
      ["summary", 2, "success"],
      ["publish", 1, "failure"],
    ]);
    const [documentStep, supportStep, weatherStep, timedOut, summaryStep, publishStep] = steps as [ReceivedSpan, ReceivedSpan, ReceivedSpan, ReceivedSpan, ReceivedSpan, ReceivedSpan];
    expect(timedOut.attributes["error.type"]).toBe("StepTimeoutError");
    expect(publishStep.attributes["error.type"]).toBe("Error");
    expect(publishStep.status.code).toBe(2);

    // The sub-pipeline's run under its step: its own steps, the 429 retried by the step.
    const documentRun = one(spans, "invoke_workflow document_report", documentStep);
    expect(documentRun.attributes["stepgraph.budget.limit_nano_usd"]).toBe(50_000_000);
    expect(documentRun.attributes["stepgraph.budget.reserved_nano_usd"]).toBe(0);
    expect(documentRun.attributes["stepgraph.budget.spent_nano_usd"]).toBe(documentRun.attributes["stepgraph.cost.nano_usd"]);
    const documentSteps = childrenOf(spans, documentRun).map((span) => `${span.attributes["stepgraph.step.id"]}#${span.attributes["stepgraph.step.attempt"]}`);
    expect(documentSteps.sort()).toEqual(["classify#1", "extract#1", "extract#2", "lookupEntities#1", "lookupMarket#1", "report#1"]);
    const [refused] = childrenOf(spans, childrenOf(spans, documentRun).find((span) => span.attributes["stepgraph.step.attempt"] === 1 && span.attributes["stepgraph.step.id"] === "extract")!);
    expect(refused).toMatchObject({ name: "chat gpt-4o-mini", attributes: { "error.type": "429", "gen_ai.usage.input_tokens": 0 } });
    expect(refused!.status.code).toBe(2);

    // The router under its step: the routing step's call, then the chosen route's run under the router's.
    const routerRun = one(spans, "invoke_workflow support_router", supportStep);
    expect(routerRun.attributes["stepgraph.run.kind"]).toBe("router");
    const routing = one(spans, "step support_router", routerRun);
    expect(chats(childrenOf(spans, routing))).toHaveLength(1);
    const routeRuns = childrenOf(spans, routerRun).filter((span) => span.name.startsWith("invoke_workflow "));
    expect(routeRuns.map((span) => span.name)).toHaveLength(1);
    expect(["invoke_workflow billing_support", "invoke_workflow technical_support", "invoke_workflow general_support"]).toContain(routeRuns[0]!.name);

    // The tool call between the weather agent's two requests.
    const toolSpan = one(spans, "execute_tool weather", weatherStep);
    expect(toolSpan.attributes).toMatchObject({ "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "weather", "gen_ai.tool.call.id": "call_1", "gen_ai.tool.type": "function" });
    const weatherCalls = chats(childrenOf(spans, weatherStep));
    expect(weatherCalls.map((span) => span.attributes["gen_ai.response.finish_reasons"])).toEqual([["tool_calls"], ["stop"]]);
    expect(weatherCalls[1]!.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(32);
    expect(toolSpan.start >= weatherCalls[0]!.end && toolSpan.end <= weatherCalls[1]!.start).toBe(true);

    // The timed-out attempt's request is on that attempt, failed; the retry's on the next.
    expect(chats(childrenOf(spans, timedOut)).map((span) => span.status.code)).toEqual([2]);
    expect(chats(childrenOf(spans, summaryStep)).map((span) => span.status.code)).toEqual([1]);

    // Model-call spans carry the GenAI attributes, and not the deprecated gen_ai.system.
    const calls = chats(spans);
    for (const call of calls) {
      expect(call.kind).toBe(3); // CLIENT
      expect(call.attributes).toMatchObject({ "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.request.stream": false });
      expect(call.attributes["gen_ai.system"]).toBeUndefined();
      expect(typeof call.attributes["gen_ai.request.max_tokens"]).toBe("number");
      if (call.status.code !== 2) {
        expect(call.attributes["gen_ai.response.model"]).toBe("gpt-4o-mini");
        expect(String(call.attributes["gen_ai.response.id"])).toMatch(/^chatcmpl-/);
      }
    }

    // Tokens add up to what the server billed, and to the run's usage; costs add up with no double counting.
    const billed = server.totalBilled();
    expect(sum(calls, "gen_ai.usage.input_tokens")).toBe(billed.inputTokens);
    expect(sum(calls, "gen_ai.usage.output_tokens")).toBe(billed.outputTokens);
    expect(sum(calls, "gen_ai.usage.cache_read.input_tokens")).toBe(billed.cachedInputTokens);
    expect(sum(calls, "gen_ai.usage.input_tokens")).toBe(usage.inputTokens);
    expect(sum(calls, "gen_ai.usage.output_tokens")).toBe(usage.outputTokens);
    // One span per HTTP request, the refused and the abandoned ones included; the billed ones are the run's calls.
    expect(calls).toHaveLength(server.requests.length);
    expect(calls.filter((span) => span.status.code !== 2)).toHaveLength(usage.calls);
    expect(root.attributes["stepgraph.cost.nano_usd"]).toBe(usage.costNanoUsd);
    expect(sum(calls, "stepgraph.cost.nano_usd")).toBe(usage.costNanoUsd);
    expect(root.attributes["stepgraph.usage.input_tokens"]).toBe(usage.inputTokens);
    for (const span of spans.filter((candidate) => candidate.name.startsWith("step ") || candidate.name.startsWith("invoke_workflow "))) {
      const beneath = chats(below(spans, span));
      if (beneath.length === 0 && span.name.startsWith("step ")) expect(span.attributes["stepgraph.cost.nano_usd"], span.name).toBeUndefined();
      else expect(span.attributes["stepgraph.cost.nano_usd"], span.name).toBe(sum(beneath, "stepgraph.cost.nano_usd"));
    }
    for (const [stepId, stepUsage] of Object.entries(usage.byStep)) {
      const attempts = steps.filter((span) => span.attributes["stepgraph.step.id"] === stepId);
      expect(sum(attempts, "stepgraph.cost.nano_usd"), stepId).toBe(stepUsage.costNanoUsd);
    }

    // Children lie within their parents' time.
    for (const span of spans) {
      const parent = span.parentSpanId === undefined ? undefined : ids.get(span.parentSpanId);
      if (parent !== undefined && span.name.startsWith("step ")) expect(span.start >= parent.start && span.end <= parent.end, span.name).toBe(true);
    }

    // No prompt or reply text without captureContent, and the API key nowhere.
    const sent = receiver.bodies.join("\n");
    expect(sent).not.toContain("gen_ai.input.messages");
    expect(sent).not.toContain("gen_ai.output.messages");
    expect(sent).not.toContain("Extract the named entities");
    expect(sent).not.toContain("Acme Corp");
    expect(sent).not.toContain("Rain in Oslo");
    expect(sent).not.toContain("12°C");
    expect(sent).not.toContain(API_KEY);
    expect(JSON.stringify(receiver.headers)).not.toContain(API_KEY);
  });

  it("sends nothing for a run not given telemetry, even while an exporter is open", async () => {
    const telemetry = otlp({ url: receiver.url, flush: true });
    const plain = pipeline("untraced").step("a", () => 1).step("b", { after: ["a"] }, (ctx) => ctx.dep("a") + 1);
    await plain.run();
    await plain.runMany([undefined, undefined]);
    await documentPipeline.run({ document: DOCUMENT }, { client });
    await telemetry.flush();
    await telemetry.close();
    expect(receiver.bodies).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(0);
    // Without metrics: true, no metrics either, for a traced run.
    const traced = otlp({ url: receiver.url });
    await plain.run(undefined, { telemetry: traced });
    await traced.close();
    expect(receiver.points).toEqual([]);
    expect(receiver.spans.length).toBe(3);
  });

  it("puts prompts, replies and tool arguments on the spans with captureContent: true, and never the API key", async () => {
    const telemetry = otlp({ url: receiver.url, captureContent: true });
    const asker = pipeline("ask", { client, telemetry }).step("weather", async (ctx) => (await ctx.run(weatherAgent, "Weather in Oslo?")).output);
    let turns = 0;
    server.setResponder(() =>
      turns++ === 0 ? { toolCalls: [{ id: "call_9", name: "weather", arguments: { city: "Oslo" } }] } : { content: "Rain in Oslo." },
    );
    await asker.run();
    expect(receiver.bodies).toEqual([]); // batched: nothing sent before flush()
    await telemetry.close();
    const calls = chats(receiver.spans);
    const firstInput = JSON.parse(String(calls[0]!.attributes["gen_ai.input.messages"])) as Array<{ role: string; parts: Array<{ type: string; content?: string }> }>;
    expect(firstInput).toEqual([
      { role: "system", parts: [{ type: "text", content: "Answer with the weather tool." }] },
      { role: "user", parts: [{ type: "text", content: "Weather in Oslo?" }] },
    ]);
    expect(JSON.parse(String(calls[1]!.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Rain in Oslo." }], finish_reason: "stop" },
    ]);
    const toolSpan = one(receiver.spans, "execute_tool weather");
    expect(toolSpan.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Oslo"}');
    expect(toolSpan.attributes["gen_ai.tool.call.result"]).toBe("Oslo: 12°C, rain");
    expect(receiver.bodies.join("\n")).not.toContain(API_KEY);
  });

  it("with flush: true, has sent a run's spans when run resolves; a streamed call and a run's budget are on their spans", async () => {
    const telemetry = otlp({ url: receiver.url, flush: true });
    const p = pipeline("streamed", { client, costBudget: 0.01 }).step("write", async (ctx) => {
      const stream = ctx.stream(slowWriter, "Summarise.");
      let text = "";
      for await (const delta of stream) text += delta;
      return text;
    });
    const result = await p.run(undefined, { telemetry });
    expect(receiver.spans.map((span) => span.name).sort()).toEqual(["chat gpt-4o-mini", "invoke_workflow streamed", "step write"]);
    const call = one(receiver.spans, "chat gpt-4o-mini");
    expect(call.attributes).toMatchObject({ "gen_ai.request.stream": true, "gen_ai.response.finish_reasons": ["stop"], "gen_ai.usage.output_tokens": result.usage.outputTokens });
    const run = one(receiver.spans, "invoke_workflow streamed");
    expect(run.attributes).toMatchObject({
      "stepgraph.budget.scope": "run",
      "stepgraph.budget.limit_nano_usd": 10_000_000,
      "stepgraph.budget.reserved_nano_usd": 0,
      "stepgraph.budget.spent_nano_usd": result.usage.costNanoUsd,
      "stepgraph.cost.nano_usd": result.usage.costNanoUsd,
    });
    await telemetry.close();
  });

  it("puts cache-write, reasoning and audio token counts on a chat span where the server reported them", async () => {
    const telemetry = otlp({ url: receiver.url, flush: true });
    const claude = agent({ model: "claude-3-5-sonnet-latest" });
    server.script({ content: "ok", usage: { inputTokens: 1000, cacheWriteInputTokens: 600, cachedInputTokens: 200, outputTokens: 50, reasoningTokens: 20, inputAudioTokens: 100, outputAudioTokens: 10, style: "anthropic" } });
    const p = pipeline("cache_write", { client }).step("ask", async (ctx) => (await ctx.run(claude, "hello")).usage);
    const result = await p.run(undefined, { telemetry });
    const call = one(receiver.spans, "chat claude-3-5-sonnet-latest");
    expect(call.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": 1000,
      "gen_ai.usage.cache_read.input_tokens": 200,
      "gen_ai.usage.cache_creation.input_tokens": 600,
      "gen_ai.usage.reasoning.output_tokens": 20,
      "stepgraph.usage.input_audio_tokens": 100,
      "stepgraph.usage.output_audio_tokens": 10,
      "stepgraph.cost.nano_usd": result.usage.costNanoUsd,
    });
    expect(result.usage.costNanoUsd).not.toBeNull();
    await telemetry.close();
  });

  it("puts a call's hooks on spans beside its request, with a skipped request's hook failed and no chat span for it", async () => {
    const telemetry = otlp({ url: receiver.url, flush: true });
    let skip = false;
    const hooked = pipeline("hooked", { client, telemetry })
      .step("write", async (ctx) => (await ctx.run(slowWriter, "Summarise.")).output)
      .step("skipped", { after: ["write"] }, async (ctx) => {
        skip = true;
        return (await ctx.run(slowWriter, "Again.")).output;
      });
    const hooks = {
      beforeCall: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (skip) throw new CallSkippedError({ reason: "enough" });
      },
      afterCall: () => undefined,
    };
    await expect(hooked.run(undefined, { hooks })).rejects.toBeInstanceOf(StepExecutionError);
    const write = one(receiver.spans, "step write");
    const names = childrenOf(receiver.spans, write).map((span) => span.name).sort();
    expect(names).toEqual(["chat gpt-4o-mini", "hook afterCall", "hook beforeCall"]);
    const before = one(receiver.spans, "hook beforeCall", write);
    expect(before.attributes).toMatchObject({ "stepgraph.hook.name": "beforeCall", "gen_ai.request.model": "gpt-4o-mini", "stepgraph.step.id": "write" });
    expect(before.end - before.start).toBeGreaterThanOrEqual(15);
    const skipped = one(receiver.spans, "step skipped");
    const [skippedHook, ...rest] = childrenOf(receiver.spans, skipped);
    expect(rest).toEqual([]);
    expect(skippedHook).toMatchObject({ name: "hook beforeCall", attributes: { "stepgraph.hook.skipped": true, "error.type": "CallSkippedError" } });
    expect(skippedHook!.status.code).toBe(2);
  });

  it("exports the GenAI client metrics and stepgraph's run, step and cost metrics with metrics: true, by pipeline", async () => {
    const telemetry = otlp({ url: receiver.url, metrics: true });
    expect(telemetry.metricsUrl).toBe(`${receiver.url}/v1/metrics`);
    const result = await documentPipeline.run({ document: DOCUMENT }, { client, telemetry });
    await telemetry.close();
    // Cumulative temporality: the last export holds the totals.
    const last = Math.max(...receiver.points.map((point) => point.request));
    const points = receiver.points.filter((point) => point.request === last);
    const tokenPoints = points.filter((point) => point.metric === "gen_ai.client.token.usage");
    const tokensOf = (type: string) => tokenPoints.filter((point) => point.attributes["gen_ai.token.type"] === type).reduce((total, point) => total + point.sum!, 0);
    expect(tokensOf("input")).toBe(result.usage.inputTokens);
    expect(tokensOf("output")).toBe(result.usage.outputTokens);
    expect(tokenPoints.every((point) => point.attributes["stepgraph.pipeline.name"] === "document_report" && point.attributes["gen_ai.request.model"] === "gpt-4o-mini")).toBe(true);
    const requests = points.filter((point) => point.metric === "gen_ai.client.operation.duration");
    expect(requests.reduce((total, point) => total + point.count!, 0)).toBe(result.usage.calls);
    const runs = points.filter((point) => point.metric === "stepgraph.run.duration");
    expect(runs.map((point) => [point.attributes["stepgraph.pipeline.name"], point.attributes["stepgraph.run.status"], point.count])).toEqual([["document_report", "completed", 1]]);
    const steps = points.filter((point) => point.metric === "stepgraph.step.duration").map((point) => point.attributes["stepgraph.step.id"]);
    expect(steps.sort()).toEqual(["classify", "extract", "lookupEntities", "lookupMarket", "report"]);
    const cost = points.filter((point) => point.metric === "stepgraph.cost.nano_usd").reduce((total, point) => total + point.value!, 0);
    expect(cost).toBe(result.usage.costNanoUsd);
  });

  it("never fails a run for the telemetry's sake: a collector that is down, a telemetry that throws", async () => {
    const down = await startReceiver();
    await down.close(); // nothing listens on its port any more
    const telemetry = otlp({ url: down.url });
    const p = pipeline("resilient", { client }).step("write", async (ctx) => (await ctx.run(slowWriter, "Summarise.")).output);
    expect((await p.run(undefined, { telemetry })).status).toBe("completed");
    await telemetry.close();
    const broken = { startRun: () => { throw new Error("tracer bug"); } };
    expect((await p.run(undefined, { telemetry: broken })).status).toBe("completed");
    expect((await Effect.runPromise(p.toEffect(undefined, { telemetry: broken }))).status).toBe("completed");
  });

  it("marks skipped steps and a run stopped early, and ends attempts a failFast run interrupted", async () => {
    const telemetry = otlp({ url: receiver.url });
    const stopping = pipeline<{ ask: boolean }>("stopping")
      .step("check", (ctx) => (ctx.input.ask ? ctx.stop({ missing: ["email"] }) : "ok"))
      .step("never", { after: ["check"], when: () => false }, () => 1)
      .step("later", { after: ["check"] }, () => 2);
    await stopping.run({ ask: true }, { telemetry });
    await stopping.run({ ask: false }, { telemetry });
    const failing = pipeline("fail_fast", { failFast: true })
      .step("slow", (ctx) => new Promise((resolve) => setTimeout(resolve, 5_000)).then(() => ctx.stepId))
      .step("broken", async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("boom");
      });
    await expect(failing.run(undefined, { telemetry })).rejects.toBeInstanceOf(StepExecutionError);
    await telemetry.close();
    const [stopped, completed] = named(receiver.spans, "invoke_workflow stopping");
    const outcomesOf = (run: ReceivedSpan) =>
      Object.fromEntries(childrenOf(receiver.spans, run).map((span) => [span.attributes["stepgraph.step.id"], [span.attributes["stepgraph.step.outcome"], span.attributes["stepgraph.step.skip_reason"]]]));
    expect(stopped!.attributes["stepgraph.run.status"]).toBe("stopped");
    expect(outcomesOf(stopped!)).toEqual({ check: ["stopped", undefined], never: ["skipped", "run-stopped"], later: ["skipped", "run-stopped"] });
    expect(completed!.attributes["stepgraph.run.status"]).toBe("completed");
    expect(outcomesOf(completed!)).toEqual({ check: ["success", undefined], never: ["skipped", "condition-false"], later: ["success", undefined] });
    const failed = one(receiver.spans, "invoke_workflow fail_fast");
    expect(outcomesOf(failed)).toEqual({ slow: ["interrupted", undefined], broken: ["failure", undefined] });
    expect(failed.end - failed.start < 4_000_000_000n).toBe(true);
  });

  it("traces the share of runs sampleRate says, and nothing of a run not sampled, nested runs included", async () => {
    expect(() => otlp({ url: receiver.url, sampleRate: 1.5 })).toThrow("otlp(): sampleRate must be a number from 0 to 1, got 1.5.");
    const never = otlp({ url: receiver.url, sampleRate: 0 });
    // The sub-pipeline has telemetry of its own: under a parent not sampled it is not traced either.
    const inner = pipeline("inner", { telemetry: never }).step("a", () => 1);
    const outer = pipeline("outer", { telemetry: never }).step("sub", inner.asStep());
    await outer.runMany(Array.from({ length: 20 }, () => undefined));
    await never.close();
    expect(receiver.bodies).toEqual([]);
    const half = otlp({ url: receiver.url, sampleRate: 0.5 });
    await outer.runMany(Array.from({ length: 200 }, () => undefined), { telemetry: half });
    await half.close();
    const roots = receiver.spans.filter((span) => span.parentSpanId === undefined);
    expect(roots.every((span) => span.name === "invoke_workflow outer")).toBe(true);
    expect(roots.length).toBeGreaterThan(60);
    expect(roots.length).toBeLessThan(140);
    // Every sampled run is whole: its step and its nested run.
    expect(named(receiver.spans, "invoke_workflow inner")).toHaveLength(roots.length);
  });

  it("traces each run of a batch as a trace of its own, and takes telemetry from the pipeline's settings", async () => {
    const telemetry = otlp({ url: receiver.url });
    const p = pipeline<number>("batched", { telemetry }).step("a", (ctx) => ctx.input);
    await p.runMany([1, 2, 3], { concurrency: 2 });
    await telemetry.close();
    const roots = receiver.spans.filter((span) => span.parentSpanId === undefined);
    expect(roots.map((span) => span.name)).toEqual(["invoke_workflow batched", "invoke_workflow batched", "invoke_workflow batched"]);
    expect(new Set(receiver.spans.map((span) => span.traceId)).size).toBe(3);
    expect(named(receiver.spans, "step a")).toHaveLength(3);
  });

  it("nests a toEffect run's spans under the caller's span, on the caller's tracer, with no stepgraph setup", async () => {
    const callerTracing = OtlpTracer.layer({ url: `${receiver.url}/v1/traces`, resource: { serviceName: "caller" } }).pipe(
      Layer.provide(OtlpSerialization.layerJson),
      Layer.provide(FetchHttpClient.layer),
    );
    const p = pipeline("inside", { client }).step("write", async (ctx) => (await ctx.run(slowWriter, "Summarise.")).output);
    const program = Effect.withSpan(p.toEffect(undefined), "handle-request");
    const result = await Effect.runPromise(Effect.provide(program, callerTracing));
    const caller = one(receiver.spans, "handle-request");
    const run = one(receiver.spans, "invoke_workflow inside", caller);
    const step = one(receiver.spans, "step write", run);
    expect(chats(childrenOf(receiver.spans, step))[0]!.attributes["stepgraph.cost.nano_usd"]).toBe(result.usage.costNanoUsd);
    expect(new Set(receiver.spans.map((span) => span.traceId)).size).toBe(1);
    expect(receiver.spans.every((span) => span.serviceName === "caller")).toBe(true);
    // Outside any span, toEffect traces nothing.
    const before = receiver.spans.length;
    await Effect.runPromise(Effect.provide(p.toEffect(undefined), callerTracing));
    expect(receiver.spans.length).toBe(before);
  });

  it("reads the standard OTEL_ variables when given no url, and says what to set when there are none", async () => {
    const saved = { endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT, traces: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, service: process.env.OTEL_SERVICE_NAME };
    try {
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      expect(() => otlp()).toThrow("Pass { url: \"http://localhost:4318\" } or set OTEL_EXPORTER_OTLP_ENDPOINT.");
      expect(() => otlp({ url: "localhost:4318" })).toThrow('otlp(): "localhost:4318" is not an http(s) URL');
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
      process.env.OTEL_SERVICE_NAME = "from-env";
      const telemetry = otlp({ flush: true });
      expect(telemetry.url).toBe(`${receiver.url}/v1/traces`);
      await pipeline("env").step("a", () => 1).run(undefined, { telemetry });
      await telemetry.close();
      expect(receiver.spans.map((span) => span.serviceName)).toEqual(["from-env", "from-env"]);
    } finally {
      for (const [key, value] of [["OTEL_EXPORTER_OTLP_ENDPOINT", saved.endpoint], ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", saved.traces], ["OTEL_SERVICE_NAME", saved.service]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
