import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AgentConfigError, AgentOutputError, AgentRequestError, RouteError, agent, pipeline, router, type RouteFallback } from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

type Ticket = { text: string };

const billing = pipeline<Ticket>("billing_desk").step("answer", (ctx) => `billing: ${ctx.input.text}`);
const general = pipeline<Ticket>("general_desk").step("answer", (ctx) => `general: ${ctx.input.text}`);

const classifier = agent({ model: "gpt-4o-mini", output: z.object({ kind: z.enum(["billing", "general"]) }) });

/** A router whose route function asks the classifier; `options` are the router's own. */
const support = (options: { client?: typeof mock.client; pricing?: Record<string, { input: number; output: number }>; fallback?: "general"; model?: typeof classifier } = {}) =>
  router("support", {
    routes: { billing, general },
    route: async (ticket, ctx) => (await ctx.run(options.model ?? classifier, ticket.text)).output.kind,
    ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
    ...(options.client === undefined ? {} : { client: options.client }),
    ...(options.pricing === undefined ? {} : { pricing: options.pricing }),
  });

describe("a router's client and pricing", () => {
  it("calls the route function's agents with the router's client, and its routes' agents too", async () => {
    const writer = agent({ model: "gpt-4o-mini" });
    const drafting = pipeline<Ticket>("drafting").step("draft", async (ctx) => (await ctx.run(writer, ctx.input.text)).output);
    const desk = router("desk", {
      routes: { drafting, general },
      route: async (ticket, ctx) => ((await ctx.run(classifier, ticket.text)).output.kind === "billing" ? "drafting" : "general"),
      client: mock.client,
    });
    mock.server.script({ json: { kind: "billing" } }, { content: "Dear customer" });
    const result = await desk.run({ text: "Invoice twice" });
    expect(result.route).toBe("drafting");
    expect(result.output).toBe("Dear customer");
    expect(mock.server.requests).toHaveLength(2);
  });

  it("prices the routing call with the router's pricing", async () => {
    const local = agent({ model: "local-classifier", output: z.object({ kind: z.enum(["billing", "general"]) }) });
    mock.server.script({ json: { kind: "general" }, usage: { inputTokens: 1000, outputTokens: 10 } });
    const result = await support({ client: mock.client, model: local, pricing: { "local-classifier": { input: 1, output: 2 } } }).run({ text: "Hello" });
    expect(result.route).toBe("general");
    expect(result.usage.byStep.support).toMatchObject({ calls: 1, costNanoUsd: 1000 * 1000 + 10 * 2000 });
  });

  it("uses the client and prices of the run it is a step of", async () => {
    const local = agent({ model: "local-classifier", output: z.object({ kind: z.enum(["billing", "general"]) }) });
    const inbox = pipeline<{ raw: string }>("inbox", { client: mock.client, pricing: { "local-classifier": { input: 3, output: 0 } } }).step(
      "handle",
      support({ model: local }).asStep((ctx) => ({ text: ctx.input.raw })),
    );
    mock.server.script({ json: { kind: "billing" }, usage: { inputTokens: 100, outputTokens: 5 } });
    const result = await inbox.run({ raw: "Refund" });
    expect(result.output).toBe("billing: Refund");
    expect(result.usage.byStep.handle).toMatchObject({ calls: 1, costNanoUsd: 100 * 3000 });
  });

  it("prefers a run option's client to the router's own", async () => {
    const broken = { chat: { completions: { create: () => expect.unreachable("the router's own client is overridden") } } } as never;
    mock.server.script({ json: { kind: "general" } });
    const result = await support({ client: broken }).run({ text: "Hi" }, { client: mock.client });
    expect(result.route).toBe("general");
  });
});

describe("a router's fallback", () => {
  it("says nothing of a fallback when the route function chose", async () => {
    mock.server.script({ json: { kind: "billing" } });
    const result = await support({ client: mock.client, fallback: "general" }).run({ text: "Invoice" });
    expect(result.route).toBe("billing");
    expect(result.fallback).toBeUndefined();
  });

  it("falls back when the model's reply fails the schema, saying so", async () => {
    mock.server.script({ content: "billing, probably" });
    const result = await support({ client: mock.client, fallback: "general" }).run({ text: "Invoice" });
    expect(result.route).toBe("general");
    expect(result.fallback?.reason).toBe("error");
    expect((result.fallback as Extract<RouteFallback, { reason: "error" }>).error).toBeInstanceOf(AgentOutputError);
  });

  it("falls back after a transient failure outlasts the routing step's retries", async () => {
    mock.server.failNext(2, { type: "status", status: 503 });
    const desk = router("support", {
      routes: { billing, general },
      route: async (ticket, ctx) => (await ctx.run(classifier, ticket.text)).output.kind,
      fallback: "general",
      client: mock.client,
      config: { retries: 1, retryDelay: 1 },
    });
    const result = await desk.run({ text: "Invoice" });
    expect(result.route).toBe("general");
    expect(mock.server.requests).toHaveLength(2);
    const error = (result.fallback as Extract<RouteFallback, { reason: "error" }>).error;
    expect(error).toBeInstanceOf(AgentRequestError);
    expect(error).toMatchObject({ status: 503 });
  });

  it("falls back when the route function names no route, saying what it returned", async () => {
    const desk = router("desk", { routes: { billing, general }, route: () => "sales" as "billing", fallback: "general" });
    const result = await desk.run({ text: "Hi" });
    expect(result.route).toBe("general");
    expect(result.fallback).toEqual({ reason: "unknownRoute", returned: "sales" });
  });

  it.each([
    [401, "Authentication failed"],
    [403, "Permission denied"],
    [404, "check the model id"],
    [400, "rejected as invalid"],
  ])("rejects instead of falling back when the provider answers %i", async (status, advice) => {
    mock.server.failNext(1, { type: "status", status });
    const error = await rejection(support({ client: mock.client, fallback: "general" }).run({ text: "Invoice" }));
    expect(error).toBeInstanceOf(RouteError);
    expect(error).toMatchObject({ router: "support", fallback: "general" });
    expect((error as RouteError).cause).toBeInstanceOf(AgentRequestError);
    expect((error as Error).message).toContain(advice);
    expect((error as Error).message).toContain('That is a configuration error, so the router did not fall back to "general"');
    expect(mock.server.requests).toHaveLength(1);
  });

  it("rejects instead of falling back when the route function wraps a configuration error", async () => {
    mock.server.failNext(1, { type: "status", status: 401 });
    const desk = router("desk", {
      routes: { billing, general },
      route: async (ticket, ctx) => {
        try {
          return (await ctx.run(classifier, ticket.text)).output.kind;
        } catch (error) {
          throw new Error("classification failed", { cause: error });
        }
      },
      fallback: "general",
      client: mock.client,
    });
    const error = await rejection(desk.run({ text: "Invoice" }));
    expect(error).toBeInstanceOf(RouteError);
    expect((error as RouteError).fallback).toBe("general");
  });

  it("rejects, saying to pass the router a client, when there is no API key", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const error = await rejection(support({ fallback: "general" }).run({ text: "Invoice" }));
      expect(error).toBeInstanceOf(RouteError);
      const cause = (error as RouteError).cause;
      expect(cause).toBeInstanceOf(AgentConfigError);
      expect((cause as Error).message).toContain("Set OPENAI_API_KEY, or pass `client` to the router (or to its agent, or to the run).");
      expect((error as Error).message).toContain('did not fall back to "general"');
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it("rejects instead of falling back when a budget is in force and the routing model has no price", async () => {
    const local = agent({ model: "unpriced-classifier", output: z.object({ kind: z.enum(["billing", "general"]) }) });
    const error = await rejection(support({ client: mock.client, model: local, fallback: "general" }).run({ text: "Invoice" }, { costBudget: 1 }));
    expect(error).toBeInstanceOf(RouteError);
    expect((error as RouteError).cause).toMatchObject({ _tag: "UnknownModelPriceError", model: "unpriced-classifier" });
    expect((error as Error).message).toContain("on the agent or the router");
    expect(mock.server.requests).toHaveLength(0);
  });

  it("counts a failed routing call's usage in the result of the fallback route", async () => {
    mock.server.script({ content: "not json", usage: { inputTokens: 40, outputTokens: 2 } });
    const result = await support({ client: mock.client, fallback: "general" }).run({ text: "Invoice" });
    expect(result.usage.byStep.support).toMatchObject({ calls: 1, costNanoUsd: gpt4oMiniCost(40, 2) });
  });
});
