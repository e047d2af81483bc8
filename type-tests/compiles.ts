/**
 * What must compile, checked by tsc under TypeScript 5.9 and TypeScript 7
 * (tsd's checks run on 5.9 only). One section per guarantee; what must not
 * compile is in expect-error/.
 */
import { Context, Effect, Layer, ManagedRuntime, Schema } from "effect";
import { z } from "zod";
import { agent, pipeline, type ModelPrice, type PipelineError, type PipelineResult, type StandardSchemaV1 } from "../src/index.js";
import { annotated, db, doc, long, type Db } from "./fixtures.js";
import type { Equal, Expect } from "./helpers.js";

export const outputs = async () => {
  // 1. Output types from a value, a Promise and an Effect.
  const p = pipeline("outputs")
    .step("value", () => 42)
    .step("promise", async () => "text")
    .step("effect", () => Effect.succeed({ ok: true as const }))
    .step("typedEffect", () => Effect.succeed(1) as Effect.Effect<number, Error>);
  const { outputs } = await p.run();
  type Checks = [
    Expect<Equal<typeof outputs.value, number>>,
    Expect<Equal<typeof outputs.promise, string>>,
    Expect<Equal<typeof outputs.effect, { ok: true }>>,
    Expect<Equal<typeof outputs.typedEffect, number>>,
  ];
};

export const afterAndDep = () => {
  // 2. `after` takes earlier ids; 3. `dep` returns their outputs.
  doc.step("summary", { after: ["extract", "classify"] }, (ctx) => {
    const entities = ctx.dep("extract").entities;
    const kind = ctx.dep("classify");
    type Checks = [Expect<Equal<typeof entities, string[]>>, Expect<Equal<typeof kind, "long" | "short">>];
    return `${kind}: ${entities.length}`;
  });
};

export const newIds = () => {
  // 4. A new id is accepted.
  return doc.step("extract2", () => 1).step("classify2", { after: ["extract2"] }, (ctx) => ctx.dep("extract2"));
};

export const inputs = async () => {
  // 5. Schema output for steps, schema input for run.
  const order = z.object({ quantity: z.string().transform(Number), note: z.string().default("") });
  const fromZod = pipeline("order", { input: order }).step("total", (ctx) => {
    type Checks = [Expect<Equal<typeof ctx.input, { quantity: number; note: string }>>];
    return ctx.input.quantity;
  });
  await fromZod.run({ quantity: "3" });

  const fromEffect = pipeline("effect", {
    input: Schema.toStandardSchemaV1(Schema.Struct({ count: Schema.NumberFromString })),
  }).step("double", (ctx) => ctx.input.count * 2);
  await fromEffect.run({ count: "2" });

  const url: StandardSchemaV1<string, URL> = {
    "~standard": { version: 1, vendor: "hand-written", validate: (value) => ({ value: new URL(String(value)) }) },
  };
  await pipeline("url", { input: url }).step("host", (ctx) => ctx.input.host).run("https://example.com");

  await pipeline<{ a: number }>("typed").step("double", (ctx) => ctx.input.a * 2).run({ a: 1 });
  await pipeline("inputless").step("now", () => Date.now()).run();
};

export const configuration = async () => {
  // 6. Per-step config by known id.
  const configured = doc.configure({ steps: { classify: { timeout: "5 seconds" } } });
  await configured.run({ document: "Apple" }, { steps: { extract: { retries: 1 } } });
};

export const services = async () => {
  // 7. Services are typed and passed to run.
  const withDb = pipeline<{ id: string }>("load")
    .withServices<{ db: Db }>()
    .step("row", (ctx) => ctx.services.db.find(ctx.input.id));
  const result = await withDb.run({ id: "1" }, { services: { db } });
  type Checks = [Expect<Equal<typeof result.output, string>>];
};

export const conditions = async () => {
  // 8. A `when` step is read with depOrUndefined, and is optional in the result.
  const p = pipeline<{ translate: boolean }>("when")
    .step("detect", () => "fr" as const)
    .step("translate", { after: ["detect"], when: (ctx) => ctx.input.translate && ctx.dep("detect") === "fr" }, () => "hello")
    .step("publish", { after: ["translate"] }, (ctx) => ctx.depOrUndefined("translate") ?? "bonjour");
  const { outputs } = await p.run({ translate: true });
  type Checks = [
    Expect<Equal<typeof outputs.translate, string | undefined>>,
    Expect<Equal<{} extends Pick<typeof outputs, "translate"> ? true : false, true>>,
    Expect<Equal<typeof outputs.publish, string>>,
  ];
};

export const results = () => {
  // 9. The last step's output, and the Effect's success and error types.
  const effect = doc.toEffect({ document: "Apple announced a new chip" });
  type Checks = [
    Expect<Equal<Effect.Success<typeof effect>["output"], string>>,
    Expect<Equal<Effect.Error<typeof effect>, PipelineError>>,
    Expect<
      Equal<
        typeof effect,
        Effect.Effect<
          PipelineResult<
            { readonly extract: { entities: string[] }; readonly classify: "long" | "short"; readonly report: string },
            string
          >,
          PipelineError
        >
      >
    >,
  ];
  return effect;
};

export const longPipelines = async () => {
  // 10. Past the index's checkpoint, and in a pipeline whose type was written out, `dep` keeps each output's type.
  const late = long.step("late", { after: ["first", "s18"] }, (ctx) => {
    const first = ctx.dep("first");
    const last = ctx.dep("s18");
    type Checks = [Expect<Equal<typeof first, { first: true }>>, Expect<Equal<typeof last, "last">>];
    return first.first && last === "last";
  });
  const more = late.step("more", { after: ["s1", "late"] }, (ctx) => {
    const one = ctx.dep("s1");
    type Checks = [Expect<Equal<typeof one, number>>, Expect<Equal<ReturnType<typeof ctx.dep<"late">>, boolean>>];
    return one;
  });
  const written = annotated.step("written", { after: ["first", "s18"] }, (ctx) => {
    const first = ctx.dep("first");
    const last = ctx.dep("s18");
    type Checks = [Expect<Equal<typeof first, { first: true }>>, Expect<Equal<typeof last, "last">>];
    return 1;
  });
  const { outputs } = await more.run({ seed: 1 });
  type Checks = [
    Expect<Equal<typeof outputs.first, { first: true }>>,
    Expect<Equal<typeof outputs.s17, number>>,
    Expect<Equal<typeof outputs.more, number>>,
    Expect<Equal<Awaited<ReturnType<typeof written.run>>["outputs"]["written"], number>>,
  ];
};

export const effectRequirements = async () => {
  // 11. The Effect services an Effect step requires accumulate in the pipeline's type.
  class Clock extends Context.Service<Clock, { readonly now: Effect.Effect<number> }>()("tt/Clock") {}
  class Store extends Context.Service<Store, { readonly get: (key: string) => Effect.Effect<string> }>()("tt/Store") {}
  const p = pipeline<{ key: string }>("requirements")
    .step("plain", (ctx) => ctx.input.key)
    .step("time", () => Effect.gen(function* () { return yield* (yield* Clock).now; }))
    .step("value", { after: ["plain"] }, (ctx) => Effect.gen(function* () { return yield* (yield* Store).get(ctx.dep("plain")); }));
  const effect = p.toEffect({ key: "k" });
  type Required = Expect<Equal<Effect.Services<typeof effect>, Clock | Store>>;
  const layer = Layer.mergeAll(
    Layer.succeed(Clock, { now: Effect.succeed(1) }),
    Layer.succeed(Store, { get: (key: string) => Effect.succeed(key) }),
  );
  const result = await p.run({ key: "k" }, { layer });
  type Value = Expect<Equal<typeof result.outputs.value, string>>;
  const runtime = ManagedRuntime.make(layer);
  await p.run({ key: "k" }, { runtime, timeout: "1 second" });
  const provided: Effect.Effect<unknown, PipelineError> = Effect.provide(effect, layer);
  // A pipeline without Effect requirements needs nothing.
  const none: Effect.Effect<unknown, PipelineError, never> = pipeline("none").step("a", () => Effect.succeed(1)).toEffect();
  // Through a sub-pipeline step, into the parent.
  const parent = pipeline("parent").step("sub", p.asStep(() => ({ key: "x" })));
  type Inherited = Expect<Equal<Effect.Services<ReturnType<typeof parent.toEffect>>, Clock | Store>>;
  type SubOutput = Expect<Equal<(typeof parent)["~flow"] extends { output?: infer O } | undefined ? O : never, string>>;
  return [provided, none];
};

// Agents on their own, and tools that read services (issue 14, items 2 and 5).
import { agent as makeAgent, tool as makeTool, type AgentResponse, type AgentStream, type ToolContext } from "../src/index.js";

interface OrdersDb {
  readonly orders: (user: string) => Promise<string[]>;
}
const ordersTool = makeTool.withServices<{ orders: OrdersDb }>()({
  description: "The user's orders",
  parameters: z.object({ user: z.string() }),
  execute: ({ user }, ctx) => {
    type Checks = [
      Expect<Equal<typeof ctx.services, { orders: OrdersDb }>>,
      Expect<Equal<typeof ctx.stepId, string | undefined>>,
      Expect<Equal<typeof ctx.runId, string>>,
      Expect<Equal<typeof user, string>>,
    ];
    return ctx.services.orders.orders(user);
  },
});
const auditTool = makeTool({
  description: "Logs a question",
  parameters: z.object({ question: z.string() }),
  execute: ({ question }, ctx: ToolContext<{ audit: string[] }>) => ctx.services.audit.push(question),
});
const plainTool = makeTool({ description: "Adds one", parameters: z.object({ n: z.number() }), execute: ({ n }, ctx) => (ctx.signal.aborted ? 0 : n + 1) });

export const toolServices = async () => {
  const support = makeAgent({ model: "gpt-4o-mini", tools: { orders: ordersTool, audit: auditTool, plus: plainTool } });
  const plain = makeAgent({ model: "gpt-4o-mini", tools: { plus: plainTool } });
  const structured = makeAgent({ model: "gpt-4o-mini", output: z.object({ kind: z.enum(["a", "b"]) }) });
  type Checks = [
    Expect<Equal<typeof support, import("../src/index.js").Agent<string, { orders: OrdersDb } & { audit: string[] }>>>,
    Expect<Equal<typeof plain, import("../src/index.js").Agent<string, {}>>>,
  ];
  // A pipeline that declares the services (and more) may call the agent, from ctx.run, ctx.stream's sibling and asStep.
  const p = pipeline<{ user: string }>("support")
    .withServices<{ orders: OrdersDb; audit: string[]; extra: number }>()
    .step("answer", async (ctx) => (await ctx.run(support, ctx.input.user)).output)
    .step("again", support.asStep("Anything else?"))
    .step("plain", async (ctx) => (await ctx.run(plain, "1")).output)
    .step("kind", async (ctx) => (await ctx.run(structured, "?")).output.kind);
  const { outputs } = await p.run({ user: "ada" }, { services: { orders: { orders: async () => [] }, audit: [], extra: 1 } });
  type Outputs = [Expect<Equal<typeof outputs.answer, string>>, Expect<Equal<typeof outputs.again, string>>, Expect<Equal<typeof outputs.kind, "a" | "b">>];
  // An agent whose tools need no services works in any pipeline.
  pipeline("any").step("plain", async (ctx) => (await ctx.run(plain, "1")).output);
};

export const standaloneAgents = async () => {
  const structured = makeAgent({ model: "gpt-4o-mini", output: z.object({ kind: z.enum(["a", "b"]) }) });
  const support = makeAgent({ model: "gpt-4o-mini", tools: { orders: ordersTool } });
  const response = await structured.run("Classify", { retries: 2, timeout: "10 seconds", costBudget: 0.01, signal: AbortSignal.timeout(1000) });
  const bare = await structured.run("Classify");
  const withServices = await support.run("Orders?", { services: { orders: { orders: async () => [] } }, runId: "r1", onEvent: (event) => event.costNanoUsd });
  const stream = makeAgent({ model: "gpt-4o-mini" }).stream("Write", { maxTokens: 100 });
  type Checks = [
    Expect<Equal<typeof response, AgentResponse<{ kind: "a" | "b" }>>>,
    Expect<Equal<typeof bare.output, { kind: "a" | "b" }>>,
    Expect<Equal<typeof withServices.output, string>>,
    Expect<Equal<typeof stream, AgentStream<string>>>,
  ];
};

// Provider prices: an agent names the provider whose prices apply; usage counts the new token kinds and tool calls.
export const providerPrices = async () => {
  const llama = agent({ model: "llama-3.3-70b-versatile", provider: "groq", pricing: { "my-model": { input: 1, cacheWrite: 1.25, output: 2 } } });
  const price: ModelPrice = { input: 0.1, inputAudio: 0.7, output: 0.4, outputAudio: 1.6 };
  const result = await pipeline("prices").step("ask", llama.asStep("Hello")).run();
  const counts: number[] = [result.usage.cacheWriteInputTokens, result.usage.reasoningTokens, result.usage.inputAudioTokens, result.usage.outputAudioTokens, result.usage.toolCalls];
  return [price, counts];
};
