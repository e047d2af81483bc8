/**
 * Rate limits pace model requests, not steps: a batch's `rateLimit`, a run's,
 * and a RateLimiter shared by several runs space the requests the local
 * server receives, and an interrupted step stops waiting without sending.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { agent, PipelineCancelledError, PipelineDefinitionError, pipeline, RateLimiter } from "../../src/index.js";
import { Pacer } from "../../src/runtime/internal/pace.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();
const writer = agent({ model: "gpt-4o-mini", maxTokens: 20 });

/** 300 requests a minute: one slot every 200 ms. */
const RATE = 300;
/**
 * The smallest gap accepted between paced requests: half the 200 ms slot.
 * Gaps are measured at the server, so a request delayed in transit on a
 * loaded machine (146 ms was seen) shortens the gap after it; unpaced
 * requests arrive a few milliseconds apart, so half a slot still proves the pacing.
 */
const MIN_GAP_MS = 100;

// One unpaced request first, so that no paced request pays for the SDK's
// first-use set-up or a new connection, which would shorten the gap after it.
beforeEach(async () => {
  await pipeline("warmUp", { client: mock.client }).step("call", async (ctx) => (await ctx.run(writer, "hello")).output).run();
  mock.server.reset();
});

/** Milliseconds between consecutive chat requests, in arrival order. */
const gapsBetweenRequests = (): number[] => {
  const arrivals = mock.server.requests
    .filter((request) => request.path.endsWith("/chat/completions"))
    .map((request) => request.receivedAt)
    .sort((a, b) => a - b);
  return arrivals.slice(1).map((at, index) => at - arrivals[index]!);
};

describe("Pacer", () => {
  it("hands out slots evenly at the given rate per minute", () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new Pacer(120, {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const signal = new AbortController().signal;
    const slots = [pacer.take(signal), pacer.take(signal), pacer.take(signal)];
    expect(slots[0]).toBeUndefined();
    expect(waits).toEqual([500, 1000]);
    now = 5_000;
    expect(pacer.take(signal)).toBeUndefined();
    expect(() => new Pacer(0)).toThrow("rateLimit must be a positive number");
  });

  it("hands out a free slot without a Promise to wait on, so a request under the limit is sent at once", async () => {
    let now = 0;
    const limiter = new RateLimiter({ requestsPerMinute: 60 }, { now: () => now, sleep: async () => undefined });
    const signal = new AbortController().signal;
    expect(limiter.take(signal)).toBeUndefined();
    expect(limiter.take(signal)).toBeInstanceOf(Promise);
    now = 10_000;
    expect(limiter.take(signal)).toBeUndefined();
  });
});

describe("rateLimit", () => {
  it("spaces a batch's model requests across all of its runs", async () => {
    const p = pipeline<number>("pacedBatch", { client: mock.client }).step("write", async (ctx) => (await ctx.run(writer, `n${ctx.input}`)).output);
    const outcomes = await p.runMany([1, 2, 3, 4], { concurrency: 4, rateLimit: RATE });
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const gaps = gapsBetweenRequests();
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(MIN_GAP_MS);
  });

  it("spaces the requests of parallel steps in one run, and of a sub-pipeline with its parent's", async () => {
    const sub = pipeline<string>("sub", { client: mock.client }).step("inner", async (ctx) => (await ctx.run(writer, ctx.input)).output);
    const p = pipeline("pacedRun", { client: mock.client })
      .step("a", async (ctx) => (await ctx.run(writer, "a")).output)
      .step("b", async (ctx) => (await ctx.run(writer, "b")).output)
      .step("c", sub.asStep(() => "c"));
    const result = await p.run(undefined, { rateLimit: RATE });
    expect(result.usage.calls).toBe(3);
    const gaps = gapsBetweenRequests();
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(MIN_GAP_MS);
  });

  it("shares one RateLimiter between runs it is passed to", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: RATE });
    const p = pipeline<string>("shared", { client: mock.client })
      .step("first", async (ctx) => (await ctx.run(writer, `${ctx.input} 1`)).output)
      .step("second", { after: ["first"] }, async (ctx) => (await ctx.run(writer, `${ctx.input} 2`)).output);
    await Promise.all([p.run("x", { rateLimit: limiter }), p.run("y", { rateLimit: limiter })]);
    const gaps = gapsBetweenRequests();
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(MIN_GAP_MS);
    expect(limiter.requestsPerMinute).toBe(RATE);
  });

  it("stops waiting when the step is interrupted, and never sends the waiting request", async () => {
    const controller = new AbortController();
    const p = pipeline("interrupted", { client: mock.client })
      .step("first", async (ctx) => (await ctx.run(writer, "first")).output)
      .step("second", { after: ["first"] }, async (ctx) => {
        setTimeout(() => controller.abort(), 20);
        return (await ctx.run(writer, "second")).output;
      });
    // One request a minute: the second request would wait 60 s for its slot.
    await expect(p.run(undefined, { rateLimit: 1, signal: controller.signal })).rejects.toBeInstanceOf(PipelineCancelledError);
    expect(mock.server.requests).toHaveLength(1);
  });

  it("rejects a rate that is not a positive number before any step runs", async () => {
    let ran = false;
    const p = pipeline("badRate").step("a", () => {
      ran = true;
    });
    await expect(p.run(undefined, { rateLimit: 0 })).rejects.toBeInstanceOf(PipelineDefinitionError);
    await expect(p.run(undefined, { rateLimit: Number.NaN })).rejects.toThrow("rateLimit must be a positive number");
    expect(ran).toBe(false);
  });
});
