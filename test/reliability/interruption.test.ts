/**
 * The caller's signal, a run timeout, a step timeout, failFast and a crossed
 * budget each close the step's HTTP request at the server, and the step's
 * cleanup runs exactly once. (How fast is a figure of `npm run soak`, not a
 * timed assertion: the bound here only says the request is closed by the
 * interruption, not left until the server gives up.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockOpenAI, type MockOpenAIServer } from "../../src/testing/index.js";
import { INTERRUPTION_KINDS, interrupt } from "./interruption-kit.js";

const ERRORS = {
  signal: "PipelineCancelledError",
  "run timeout": "PipelineTimeoutError",
  "step timeout": "StepExecutionError",
  failFast: "StepExecutionError",
  budget: "CostBudgetExceededError",
} as const;

describe("interruption", () => {
  let server: MockOpenAIServer;
  beforeAll(async () => {
    server = await startMockOpenAI();
  });
  afterAll(() => server.close());

  it.each(INTERRUPTION_KINDS)("by %s closes the request in flight and runs the step's cleanup exactly once", async (kind) => {
    const result = await interrupt(server, kind);
    expect(result).toMatchObject({ kind, error: ERRORS[kind], aborted: true, finalizers: 1, signalListeners: 1 });
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(-5);
    expect(result.closedAfterMs).toBeLessThan(1_000);
  });
});
