/**
 * Dispatch hooks, call defaults and the step's usage: an audit log and a
 * circuit breaker run around every model request, the pipeline gives every
 * call a timeout and two retries, and a step reads what it has spent.
 * Runs against the local OpenAI-compatible server, injecting 500s.
 * `npx tsx examples/hooks.ts`.
 */
import OpenAI from "openai";
import { agent, AgentRequestError, CallSkippedError, pipeline, StepExecutionError, type CallHooks } from "../src/index.js";
import { startMockOpenAI } from "../src/testing/index.js";
import { runIfMain } from "./model-client.js";

/** Why a request was skipped: the breaker is open. A CallSkippedError, so the call fails at once, unretried. */
export class CircuitOpen extends CallSkippedError {}

/** After `limit` failed requests in a row, skips every request until `cooldownMs` has passed. */
export const circuitBreaker = (limit: number, cooldownMs: number): CallHooks => {
  let failures = 0;
  let openedAt = 0;
  return {
    beforeCall: () => {
      if (failures >= limit && Date.now() - openedAt < cooldownMs) {
        throw new CircuitOpen({ reason: `${failures} requests failed in a row; retry after ${cooldownMs} ms` });
      }
    },
    afterCall: (outcome) => {
      failures = outcome.ok ? 0 : failures + 1;
      if (failures === limit) openedAt = Date.now();
    },
  };
};

/** Writes one line per request: what it reserved before it is sent, what it cost or why it failed after. */
export const auditLog = (lines: string[]): CallHooks => ({
  beforeCall: (request) =>
    void lines.push(`→ ${request.stepId} #${request.callAttempt}: ${request.model}, ~${request.estimatedInputTokens} tokens, reserved ${request.reservedNanoUsd ?? 0} nano-USD`),
  afterCall: (outcome) =>
    void lines.push(
      outcome.ok
        ? `← ${outcome.request.stepId} #${outcome.request.callAttempt}: ${outcome.usage.costNanoUsd} nano-USD`
        : `✗ ${outcome.request.stepId} #${outcome.request.callAttempt}: ${outcome.error instanceof AgentRequestError ? `HTTP ${outcome.error.status}` : String(outcome.error)}`,
    ),
});

const writer = agent({ model: "gpt-4o-mini", system: "Write one line about the topic.", maxTokens: 40 });

export const audited = pipeline<{ topic: string }>("audited_drafts", {
  costBudget: 0.01,
  // Every model call of every step: 10 s per attempt, two retries (a call's own options still win).
  defaults: { call: { timeout: "10 seconds", retries: 2, retryDelay: 10 } },
})
  .step("draft", async (ctx) => (await ctx.run(writer, `Topic: ${ctx.input.topic}`)).output)
  .step("review", { after: ["draft"] }, async (ctx) => {
    const { output } = await ctx.run(writer, `Review: ${ctx.dep("draft")}`);
    // ctx.usage: this step's calls so far; ctx.config: its resolved config.
    return `${output} (${ctx.usage.calls} call, ${ctx.usage.costNanoUsd} nano-USD, up to ${ctx.config.call.retries} retries per call)`;
  });

export const main = async (): Promise<void> => {
  const server = await startMockOpenAI();
  try {
    const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
    const lines: string[] = [];
    const breaker = circuitBreaker(2, 60_000);
    const hooks = [breaker, auditLog(lines)]; // the breaker first: a request it skips reaches no later hook

    // One 500: the call's default retries take it, and both hooks see the failed attempt.
    server.failNext(1, { type: "status", status: 500 });
    const first = await audited.run({ topic: "pipelines" }, { client, hooks });
    console.log(`first run: ${first.output}`);

    // Two 500s in a row open the breaker: the draft's third attempt is skipped, not sent, and not retried.
    server.failNext(2, { type: "status", status: 500 });
    const sentBefore = server.requests.length;
    try {
      await audited.run({ topic: "breakers" }, { client, hooks });
    } catch (error) {
      if (error instanceof StepExecutionError && error.cause instanceof CircuitOpen) {
        console.log(`second run: ${error.stepId} skipped (${error.cause.reason}), ${server.requests.length - sentBefore} requests sent`);
      } else throw error;
    }
    console.log("audit log:");
    for (const line of lines) console.log(`  ${line}`);
  } finally {
    await server.close();
  }
};

runIfMain(import.meta.url, main);
