import { describe, expect, it } from "vitest";
import {
  AgentRequestError,
  StepExecutionError,
  StepTimeoutError,
  agent,
  pipeline,
  type PipelineEvent,
} from "../../src/index.js";
import { gpt4oMiniCost, useMockOpenAI } from "./helpers.js";

const mock = useMockOpenAI();

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("the run should reject"), (error: unknown) => error);

const writer = agent({ model: "gpt-4o-mini" });

/** A pipeline whose one step streams `writer`'s reply, reading every delta into `deltas`. */
const streamingPipeline = (deltas: string[], options: { retries?: number; retryDelay?: number } = {}) =>
  pipeline("stream", { client: mock.client }).step("write", async (ctx) => {
    const stream = ctx.stream(writer, "Count", options);
    for await (const delta of stream) deltas.push(delta);
    return stream.response;
  });

describe("ctx.stream: call-level retries", () => {
  it("retries a 500 that came before any text and yields the text once, with usage as billed", async () => {
    mock.server.failNext(1, { type: "status", status: 500 });
    mock.server.script({ content: "one two three", usage: { inputTokens: 12, outputTokens: 3 } });
    const deltas: string[] = [];
    const result = await streamingPipeline(deltas, { retries: 2, retryDelay: 1 }).run();
    expect(deltas.join("")).toBe("one two three");
    expect(result.output.text).toBe("one two three");
    expect(mock.server.requests).toHaveLength(2);
    const billed = mock.server.totalBilled();
    // The 500 was not billed, so it is not a call: `calls` counts billed requests, as for ctx.run.
    expect(billed.responses).toBe(1);
    expect(result.output.usage).toMatchObject({
      inputTokens: billed.inputTokens,
      outputTokens: billed.outputTokens,
      costNanoUsd: gpt4oMiniCost(billed.inputTokens, billed.outputTokens),
      calls: billed.responses,
    });
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 3, calls: 1 });
    const calls = result.trace.filter((event) => event.type === "call");
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ inputTokens: 0, outputTokens: 0, error: expect.objectContaining({ status: 500 }) });
    expect(calls[1]).toMatchObject({ inputTokens: 12, outputTokens: 3 });
    expect(calls[1]!.error).toBeUndefined();
  });

  it("never retries a 401", async () => {
    mock.server.failNext(1, { type: "status", status: 401 });
    mock.server.script({ content: "never sent" });
    const deltas: string[] = [];
    const error = (await rejection(streamingPipeline(deltas, { retries: 3, retryDelay: 1 }).run())) as StepExecutionError;
    expect(mock.server.requests).toHaveLength(1);
    expect(error.cause).toBeInstanceOf(AgentRequestError);
    expect((error.cause as AgentRequestError).status).toBe(401);
    expect(deltas).toEqual([]);
  });

  it("does not retry a stream cut off after the reader has received text", async () => {
    mock.server.script(
      { content: "one two three four five", chunkDelayMs: 10, fault: { type: "reset", afterEvents: 3 } },
      { content: "a retry the reader must not see" },
    );
    const deltas: string[] = [];
    const error = (await rejection(streamingPipeline(deltas, { retries: 3, retryDelay: 1 }).run())) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(error.cause).toBeInstanceOf(AgentRequestError);
    expect((error.cause as AgentRequestError).message).toContain("the connection closed before the response was complete");
    expect(deltas.join("")).toBe("one two");
    expect(mock.server.requests).toHaveLength(1);
    expect(mock.server.scriptRemaining).toBe(1);
  });

  it("retries a stream cut off before the reader took any text, replacing what it had not read", async () => {
    mock.server.script(
      { content: "lost text", fault: { type: "reset", afterEvents: 3 } },
      { content: "the full reply", usage: { inputTokens: 9, outputTokens: 3 } },
    );
    const p = pipeline("await", { client: mock.client }).step("write", (ctx) =>
      ctx.stream(writer, "Count", { retries: 1, retryDelay: 1 }).response,
    );
    const result = await p.run();
    expect(result.output.text).toBe("the full reply");
    expect(mock.server.requests).toHaveLength(2);
    expect(result.output.usage).toMatchObject({ inputTokens: 9, outputTokens: 3, calls: 1 });
  });

  it("waits for the Retry-After of a 429 before the next attempt", async () => {
    mock.server.failNext(1, { type: "status", status: 429, retryAfter: 0.3 });
    mock.server.script({ content: "ok" });
    const deltas: string[] = [];
    const result = await streamingPipeline(deltas, { retries: 2, retryDelay: 1 }).run();
    expect(result.output.text).toBe("ok");
    const [first, second] = mock.server.requests;
    expect(mock.server.requests).toHaveLength(2);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(290);
  });

  it("sends no further request once the step is interrupted during the back-off", async () => {
    mock.server.failNext(1, { type: "status", status: 429, retryAfter: 1 });
    mock.server.script({ content: "too late" });
    const events: PipelineEvent[] = [];
    const p = pipeline("interrupted", { client: mock.client }).step("write", { timeout: 100 }, async (ctx) => {
      const stream = ctx.stream(writer, "Count", { retries: 2, retryDelay: 1 });
      for await (const _delta of stream);
      return stream.response;
    });
    const started = Date.now();
    const error = (await rejection(p.run(undefined, { onEvent: (event) => events.push(event) }))) as StepExecutionError;
    // The step's timeout ended it while the call waited out the Retry-After, not the 429 itself.
    expect(error.cause).toBeInstanceOf(StepTimeoutError);
    // Wait past the Retry-After: a retry that was not stopped would have been sent by now.
    await new Promise((resolve) => setTimeout(resolve, 1400 - (Date.now() - started)));
    await mock.server.idle();
    expect(mock.server.requests).toHaveLength(1);
    expect(events.filter((event) => event.type === "call")).toHaveLength(1);
  });
});
