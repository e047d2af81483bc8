/**
 * A model call links the step's signal to its request's and unlinks it when
 * the call settles, so the request's signal is collected with the call.
 * (`AbortSignal.any` composites, which this replaced, are never collected on
 * Node 20 while their source lives: a service making millions of calls under
 * one step grew without end. `npm run bench:heap` measures the heap.)
 */
import OpenAI from "openai";
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { agent, pipeline } from "../../src/index.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

describe("the signals of model calls", () => {
  it("are collected once their calls have settled, while the step's signal lives on", async () => {
    let sent = 0;
    let collected = 0;
    const registry = new FinalizationRegistry(() => collected++);
    const client = new OpenAI({
      baseURL: mock.server.url,
      apiKey: "test",
      maxRetries: 0,
      fetch: (url: string | URL | Request, init?: RequestInit) => {
        sent++;
        if (init?.signal) registry.register(init.signal, undefined);
        return fetch(url, init);
      },
    });
    const writer = agent({ model: "gpt-4o-mini", client });
    const calls = 200;
    let stepSignal: AbortSignal | undefined;
    const p = pipeline("links").step("many", { timeout: "1 minute" }, async (ctx) => {
      stepSignal = ctx.signal;
      for (let call = 0; call < calls; call++) await ctx.run(writer, `call ${call}`);
      // Collect while the step (and its signal) is still running.
      for (let round = 0; round < 10 && collected < calls / 2; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return collected;
    });
    const result = await p.run();
    expect(sent).toBe(calls);
    expect(stepSignal?.aborted).toBe(false);
    expect(result.output).toBeGreaterThanOrEqual(calls / 2);
  });
});
