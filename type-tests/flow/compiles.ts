/**
 * Flows: what must compile (routers, sub-pipelines, batches), checked by tsc.
 * What must not compile is in expect-error/.
 */
import { z } from "zod";
import {
  pipeline,
  RateLimiter,
  router,
  type BatchOutcome,
  type BatchProgress,
  type PipelineError,
  type RouteError,
  type StopRequest,
} from "../../src/index.js";
import type { Equal, Expect } from "../helpers.js";

type Doc = { text: string };
const simple = pipeline<Doc>("simple").step("summary", (ctx) => ctx.input.text.slice(0, 10));
const complex = pipeline<Doc>("complex")
  .step("sentences", (ctx) => ctx.input.text.split(". "))
  .step("outline", { after: ["sentences"] }, (ctx) => ({ points: ctx.dep("sentences").length }));

export const routerResult = async () => {
  // The result is the chosen route's, tagged with its name; narrowing on `route` narrows `outputs`.
  const docs = router("docs", {
    routes: { simple, complex },
    route: async (input) => (input.text.split(" ").length < 500 ? "simple" : "complex"),
    fallback: "simple",
  });
  const res = await docs.run({ text: "hello" });
  type Route = Expect<Equal<typeof res.route, "simple" | "complex">>;
  type Output = Expect<Equal<typeof res.output, string | { points: number }>>;
  if (res.route === "complex") {
    type Outline = Expect<Equal<typeof res.outputs.outline, { points: number }>>;
  }
  const effect = docs.toEffect({ text: "x" });
  type Failure = Expect<Equal<typeof effect extends { "~Failure"?: infer _ } ? true : true, true>>;
  return docs.toMermaid() + docs.graph().name;
};

export const routerInput = async () => {
  // Without a schema the router takes what every route accepts: here both fields.
  const tagged = pipeline<{ text: string; tags: string[] }>("tagged").step("count", (ctx) => ctx.input.tags.length);
  const both = router("both", { routes: { simple, tagged }, route: (input) => (input.tags.length > 0 ? "tagged" : "simple") });
  await both.run({ text: "x", tags: ["a"] });
  // With a schema the router takes the schema's input, and routes see its output.
  const parsed = router("parsed", {
    input: z.object({ text: z.string(), size: z.string().transform(Number) }),
    routes: { simple },
    route: (input) => {
      type Size = Expect<Equal<typeof input.size, number>>;
      return "simple";
    },
  });
  await parsed.run({ text: "x", size: "3" });
  // Routes that take no input make a router that takes none.
  const ping = pipeline("ping").step("pong", () => "pong");
  const noInput = router("noInput", { routes: { ping }, route: () => "ping" });
  await noInput.run();
};

export const routeContext = () =>
  router("ctx", {
    routes: { simple: simple.withServices<{ log: (line: string) => void }>() },
    route: (input, ctx) => {
      ctx.services.log(`${ctx.stepId}: ${input.text}`);
      const signal: AbortSignal = ctx.signal;
      return signal.aborted ? "simple" : "simple";
    },
  });

export const subPipelineSteps = async () => {
  // asStep's ctx is the surrounding step's: `dep` knows the `after` ids.
  const parent = pipeline<{ doc: string }>("parent")
    .step("classify", (ctx) => (ctx.input.doc.length > 3 ? ("long" as const) : ("short" as const)))
    .step("enrich", { after: ["classify"] }, complex.asStep((ctx) => ({ text: `${ctx.dep("classify")} ${ctx.input.doc}` })))
    .step("route", { after: ["classify"] }, router("r", { routes: { simple, complex }, route: () => "simple" }).asStep((ctx) => ({ text: ctx.dep("classify") })))
    .step("count", { after: ["enrich", "route"] }, (ctx) => {
      type Enriched = Expect<Equal<ReturnType<typeof ctx.dep<"enrich">>, { points: number }>>;
      type Routed = Expect<Equal<ReturnType<typeof ctx.dep<"route">>, string | { points: number }>>;
      return ctx.dep("enrich").points;
    });
  const result = await parent.run({ doc: "text" });
  type Count = Expect<Equal<typeof result.output, number>>;
  // A step with options but no `after` still types its ctx.
  pipeline<{ doc: string }>("timed").step("enrich", { timeout: "1 second" }, simple.asStep((ctx) => ({ text: ctx.input.doc })));
  // A sub-pipeline that takes no input needs no `toInput`.
  pipeline("noInput").step("ping", pipeline("ping").step("pong", () => 1).asStep());
};

export const subPipelineStops = async () => {
  // A sub-pipeline's stop payload becomes the parent's.
  const ask = pipeline<{ email?: string }>("ask").step("email", (ctx) => (ctx.input.email ? ctx.input.email : ctx.stop({ missing: "email" })));
  const step = ask.asStep((ctx: { signal: AbortSignal; stepId: string; services: {}; input: { email?: string } }) => ctx.input);
  type Returned = Expect<Equal<Awaited<ReturnType<typeof step>>, string | StopRequest<{ readonly missing: "email" }>>>;
  const parent = pipeline<{ email?: string }>("signup").step("collect", ask.asStep((ctx) => ctx.input));
  const result = await parent.run({});
  if (result.status === "stopped") {
    type Payload = Expect<Equal<typeof result.stop.payload, { readonly missing: "email" }>>;
  }
};

export const batches = async () => {
  const outcomes = await simple.runMany([{ text: "a" }], { concurrency: 2, stopOnError: true, onProgress: (p) => p.done + p.spentUsd });
  type Outcome = (typeof outcomes)[number];
  type Failure = Expect<Equal<Extract<Outcome, { ok: false }>["error"], PipelineError>>;
  type Output = Expect<Equal<Extract<Outcome, { ok: true }>["result"]["output"], string>>;
  const compact = await complex.runMany([{ text: "a" }], { keep: "output" });
  type Compact = Expect<
    Equal<Extract<(typeof compact)[number], { ok: true }>["result"], { readonly status: "completed"; readonly output: { points: number } }>
  >;
  async function* lazy() {
    yield { text: "a" };
  }
  for await (const outcome of simple.stream(lazy(), { concurrency: 5 })) {
    type Index = Expect<Equal<typeof outcome.index, number>>;
  }
  for await (const outcome of simple.runEach(lazy(), { concurrency: 5 })) {
    type Same = Expect<Equal<typeof outcome, BatchOutcome<Awaited<ReturnType<typeof simple.run>>, PipelineError>>>;
  }
  const docs = router("docs", { routes: { simple, complex }, route: () => "simple" });
  const routed: Array<BatchOutcome<unknown, PipelineError | RouteError>> = await docs.runMany([{ text: "x" }]);
  // A batch's rate limit and budget, and progress typed for a progress bar.
  const limiter = new RateLimiter({ requestsPerMinute: 500 });
  const seen: BatchProgress[] = [];
  await simple.runMany(new Set([{ text: "a" }]), { rateLimit: 60, costBudget: 0.5, onProgress: (p) => seen.push(p) });
  await simple.runMany([{ text: "a" }], { rateLimit: limiter, signal: new AbortController().signal });
  await simple.run({ text: "a" }, { rateLimit: limiter });
  await complex.run({ text: "a" }, { rateLimit: 120 });
  type Total = Expect<Equal<BatchProgress["total"], number | undefined>>;
  return routed;
};

export const depOrUndefined = () =>
  pipeline<{ go: boolean }>("cond")
    .step("maybe", { when: (ctx) => ctx.input.go }, () => 1)
    .step("after", { after: ["maybe"] }, (ctx) => {
      type Maybe = Expect<Equal<ReturnType<typeof ctx.depOrUndefined<"maybe">>, number | undefined>>;
      return ctx.depOrUndefined("maybe") ?? 0;
    });

// A router's client and pricing, and why it fell back (issue 14, item 7).
import OpenAI from "openai";
import type { RouteFallback } from "../../src/index.js";

export const routerClient = async () => {
  const client = new OpenAI({ apiKey: "test", baseURL: "http://127.0.0.1:1/v1" });
  const desk = router("desk", {
    routes: { simple, complex },
    route: () => "simple" as const,
    fallback: "complex",
    client,
    pricing: { "local-model": { input: 1, output: 2 } },
  });
  const result = await desk.run({ text: "a" });
  type Checks = [Expect<Equal<typeof result.fallback, RouteFallback | undefined>>];
  if (result.fallback?.reason === "error") {
    const error: unknown = result.fallback.error;
    void error;
  }
  if (result.fallback?.reason === "unknownRoute") {
    const returned: unknown = result.fallback.returned;
    void returned;
  }
  // A router nested in another keeps only the outer router's `route` and `fallback`.
  const outer = router("outer", { routes: { desk, simple }, route: () => "desk" as const });
  const nested = await outer.run({ text: "b" });
  type Nested = [Expect<Equal<typeof nested.route, "desk" | "simple">>, Expect<Equal<typeof nested.fallback, RouteFallback | undefined>>];
};
