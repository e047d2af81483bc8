import { describe, expect, expectTypeOf, it } from "vitest";
import { agent, PipelineCancelledError, pipeline, StepExecutionError } from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

/** A promise with its resolver, to hold a step open until the test releases it. */
const gate = <A = void>() => {
  let open!: (value: A) => void;
  const promise = new Promise<A>((resolve) => (open = resolve));
  return { promise, open };
};

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

const tagger = pipeline<{ text: string }>("tagger")
  .step("words", (ctx) => ctx.input.text.split(" "))
  .step("tags", { after: ["words"] }, (ctx) => ctx.dep("words").map((word) => `#${word.toLowerCase()}`));

describe("pipelines as steps", () => {
  it("runs a whole pipeline as one step whose input is built from the step's typed context", async () => {
    const parent = pipeline<{ doc: string }>("doc")
      .step("classify", (ctx) => (ctx.input.doc.length > 10 ? ("long" as const) : ("short" as const)))
      .step(
        "enrich",
        { after: ["classify"] },
        tagger.asStep((ctx) => {
          expectTypeOf(ctx.dep("classify")).toEqualTypeOf<"long" | "short">();
          return { text: `${ctx.dep("classify")} ${ctx.input.doc}` };
        }),
      )
      .step("count", { after: ["enrich"] }, (ctx) => ctx.dep("enrich").length);
    const result = await parent.run({ doc: "Apple Chips" });
    expectTypeOf(result.outputs.enrich).toEqualTypeOf<string[]>();
    expect(result.outputs.enrich).toEqual(["#long", "#apple", "#chips"]);
    expect(result.output).toBe(3);
  });

  it("shows the sub-run's steps in the parent's trace under the step's id", async () => {
    const parent = pipeline<{ doc: string }>("doc").step("enrich", tagger.asStep((ctx) => ({ text: ctx.input.doc })));
    const live: string[] = [];
    const result = await parent.run({ doc: "a b" }, { onEvent: (event) => live.push(`${event.type} ${event.stepId}`) });
    const trace = result.trace.map((event) => `${event.type} ${event.stepId}`);
    expect(trace).toEqual([
      "start enrich",
      "start enrich/words",
      "success enrich/words",
      "start enrich/tags",
      "success enrich/tags",
      "success enrich",
    ]);
    expect(live).toEqual(trace);
    const at = result.trace.map((event) => event.at);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it("counts the sub-run's model usage under the step, in the parent's totals", async () => {
    mock.server.script({ content: "summary", usage: { inputTokens: 100, outputTokens: 20 } });
    const writer = agent({ model: "gpt-4o-mini" });
    const summarize = pipeline<{ text: string }>("summarize", { client: mock.client }).step("write", async (ctx) =>
      (await ctx.run(writer, ctx.input.text)).output,
    );
    const parent = pipeline<{ doc: string }>("doc")
      .step("clean", (ctx) => ctx.input.doc.trim())
      .step("summary", { after: ["clean"] }, summarize.asStep((ctx) => ({ text: ctx.dep("clean") })));
    const result = await parent.run({ doc: "  A long document  " });
    expect(result.output).toBe("summary");
    const cost = gpt4oMiniCost(100, 20);
    expect(result.usage.costNanoUsd).toBe(cost);
    expect(result.usage.calls).toBe(1);
    expect(result.usage.byStep["summary"]).toMatchObject({ calls: 1, inputTokens: 100, outputTokens: 20, costNanoUsd: cost });
    expect(result.usage.byModel["gpt-4o-mini"]).toMatchObject({ calls: 1, costNanoUsd: cost });
    expect(result.trace.filter((event) => event.type === "call").map((event) => event.stepId)).toEqual(["summary/write"]);
  });

  it("uses the parent's client for agents in a sub-pipeline that sets none", async () => {
    mock.server.script({ content: "from the parent's client" });
    const writer = agent({ model: "gpt-4o-mini" });
    const inner = pipeline("inner").step("write", async (ctx) => (await ctx.run(writer, "hi")).output);
    const parent = pipeline("outer", { client: mock.client }).step("nested", inner.asStep());
    expect((await parent.run()).output).toBe("from the parent's client");
  });

  it("fails the step with the sub-run's error, and still counts what the sub-run spent", async () => {
    mock.server.script({ content: "draft", usage: { inputTokens: 10, outputTokens: 10 } });
    const writer = agent({ model: "gpt-4o-mini" });
    const flaky = pipeline("flaky", { client: mock.client })
      .step("draft", async (ctx) => (await ctx.run(writer, "draft")).output)
      .step("check", { after: ["draft"] }, (): string => {
        throw new Error("the draft is too short");
      });
    const parent = pipeline("outer").step("write", flaky.asStep()).step("after", { after: ["write"] }, (ctx) => ctx.dep("write"));
    const error = (await rejection(parent.run())) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(error.stepId).toBe("write");
    expect(error.cause).toBeInstanceOf(StepExecutionError);
    expect((error.cause as StepExecutionError).stepId).toBe("check");
    expect(error.message).toContain("the draft is too short");
    expect(error.partial.usage.byStep["write"]?.costNanoUsd).toBe(gpt4oMiniCost(10, 10));
  });

  it("interrupts the sub-run when the step is interrupted", async () => {
    const started = gate();
    const aborted = gate<string>();
    const slow = pipeline("slow").step("wait", (ctx) => {
      ctx.signal.addEventListener("abort", () => aborted.open(`aborted ${ctx.stepId}`));
      started.open();
      return new Promise<string>(() => undefined);
    });
    const controller = new AbortController();
    const parent = pipeline("outer").step("nested", slow.asStep());
    const running = rejection(parent.run(undefined, { signal: controller.signal }));
    await started.promise;
    controller.abort("user left");
    expect(await running).toBeInstanceOf(PipelineCancelledError);
    expect(await aborted.promise).toBe("aborted wait");
  });

  it("stops the parent when the sub-pipeline stops early, with the sub-pipeline's payload", async () => {
    const ask = pipeline<{ email?: string }>("ask").step("email", (ctx) =>
      ctx.input.email === undefined ? ctx.stop({ missing: "email" }) : ctx.input.email,
    );
    const calls: string[] = [];
    const parent = pipeline<{ email?: string }>("signup")
      .step("collect", ask.asStep((ctx) => ctx.input))
      .step("welcome", { after: ["collect"] }, (ctx) => {
        calls.push("welcome");
        return `Welcome, ${ctx.dep("collect")}`;
      });
    const stopped = await parent.run({});
    expect(stopped.status).toBe("stopped");
    if (stopped.status !== "stopped") return;
    expectTypeOf(stopped.stop.payload).toEqualTypeOf<{ readonly missing: "email" }>();
    expect(stopped.stop).toEqual({ stepId: "collect", payload: { missing: "email" } });
    expect(calls).toEqual([]);
    const resumed = await parent.run({ email: "ada@example.com" }, { resume: stopped.checkpoint });
    expect(resumed.output).toBe("Welcome, ada@example.com");
  });

  it("passes the parent's services to the sub-run", async () => {
    const lookup = pipeline<{ id: string }>("lookup")
      .withServices<{ db: { name(id: string): string } }>()
      .step("name", (ctx) => ctx.services.db.name(ctx.input.id));
    const parent = pipeline<{ id: string }>("outer")
      .withServices<{ db: { name(id: string): string }; log: string[] }>()
      .step("user", lookup.asStep((ctx) => ({ id: ctx.input.id })));
    const result = await parent.run({ id: "7" }, { services: { db: { name: (id) => `user ${id}` }, log: [] } });
    expect(result.output).toBe("user 7");
  });

  it("charges the sub-run's calls to the step's own budget too", async () => {
    mock.server.setResponder(() => ({ content: "ok", usage: { inputTokens: 1000, outputTokens: 0 } }));
    const writer = agent({ model: "gpt-4o-mini", maxTokens: 10 });
    const twice = pipeline("twice", { client: mock.client })
      .step("first", async (ctx) => (await ctx.run(writer, "hi")).output)
      .step("second", { after: ["first"] }, async (ctx) => (await ctx.run(writer, "hi")).output);
    const parent = pipeline("budgeted").step("nested", { costBudget: (gpt4oMiniCost(1000, 0) * 1.5) / 1e9 }, twice.asStep());
    const error = (await rejection(parent.run())) as { _tag: string; scope: string; stepId: string };
    expect(error).toMatchObject({ _tag: "CostBudgetExceededError", scope: "step", stepId: "nested" });
    expect(mock.server.totalBilled().responses).toBe(2);
  });

  it("nests a router's routing step and chosen route under the step that runs it", async () => {
    const { router } = await import("../../src/index.js");
    const short = pipeline<{ text: string }>("short").step("upper", (ctx) => ctx.input.text.toUpperCase());
    const triage = router("triage", { routes: { short }, route: () => "short" });
    const result = await pipeline<{ text: string }>("inbox").step("handle", triage.asStep((ctx) => ({ text: ctx.input.text }))).run({ text: "hi" });
    expect(result.output).toBe("HI");
    expect(result.trace.map((event) => `${event.type} ${event.stepId}`)).toEqual([
      "start handle",
      "start handle/triage",
      "success handle/triage",
      "start handle/short/upper",
      "success handle/short/upper",
      "success handle",
    ]);
  });

  it("shows the step as a sub-pipeline node in the graph", () => {
    const parent = pipeline<{ doc: string }>("doc")
      .step("clean", (ctx) => ctx.input.doc)
      .step("enrich", { after: ["clean"] }, tagger.asStep((ctx) => ({ text: ctx.dep("clean") })));
    expect(parent.graph().nodes[1]).toEqual({ id: "enrich", kind: "pipeline", pipeline: "tagger", after: ["clean"], config: {} });
    expect(parent.toMermaid()).toContain('s1[["enrich<br/><small>runs tagger</small>"]]');
  });
});
