/**
 * Call defaults (`call: { timeout, retries, retryDelay }`) are accepted at
 * every level that takes step config, and `ctx.config` and `ctx.usage` are
 * typed and read-only.
 */
import { expectType } from "tsd";
import { agent, pipeline, router, type CallDefaults, type ResolvedCallConfig, type ResolvedStepConfig, type Usage } from "../src/index.js";

const writer = agent({ model: "gpt-4o-mini" });
const call: CallDefaults = { timeout: "20 seconds", retries: 2, retryDelay: 50 };

const p = pipeline("calls", { defaults: { call } })
  .step("a", { call: { retries: 1 } }, async (ctx) => (await ctx.run(writer, "hi")).output)
  .step("b", { after: ["a"], call: { timeout: 1000 } }, (ctx) => {
    expectType<ResolvedStepConfig>(ctx.config);
    expectType<ResolvedCallConfig>(ctx.config.call);
    expectType<number | undefined>(ctx.config.call.timeoutMs);
    expectType<number>(ctx.config.call.retries);
    expectType<number>(ctx.config.retries);
    expectType<number | undefined>(ctx.config.costBudget);
    expectType<Usage>(ctx.usage);
    expectType<number | null>(ctx.usage.costNanoUsd);
    return ctx.dep("a");
  })
  .configure({ defaults: { call: { retries: 3 } }, steps: { a: { call: { retryDelay: "1 second" } } } });

void p.run(undefined, { defaults: { call: { retries: 0 } }, steps: { b: { call } } });
void p.runMany([undefined], { defaults: { call } });
router("r", { routes: { p }, route: () => "p" as const, config: { call: { retries: 1 } } });
