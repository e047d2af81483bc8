/**
 * A 200 reply that is not a chat completion (JSON without `choices`, a
 * proxy's HTML page) is a retryable AgentRequestError saying what came back,
 * and its usage is unknown: the call is counted as abandoned.
 */
import { describe, expect, it } from "vitest";
import { AgentRequestError, StepExecutionError, agent, pipeline } from "../../src/index.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

const writer = agent({ model: "gpt-4o-mini", maxTokens: 50 });

describe("a 200 reply that is not a chat completion", () => {
  it("fails with a retryable AgentRequestError naming the status, the content type and the first bytes", async () => {
    mock.server.failNext(1, { type: "raw", contentType: "text/html; charset=utf-8", body: "<html><body><h1>502 Bad Gateway</h1></body></html>" });
    const p = pipeline("proxy", { client: mock.client }).step("write", (ctx) => ctx.run(writer, "hi"));
    const error = (await p.run().then(() => expect.unreachable("the run should reject"), (caught: unknown) => caught)) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    const cause = error.cause as AgentRequestError;
    expect(cause).toBeInstanceOf(AgentRequestError);
    expect(cause).toMatchObject({ status: 200, retryable: true });
    expect(cause.message).toContain("HTTP 200");
    expect(cause.message).toContain("text/html");
    expect(cause.message).toContain("<html><body><h1>502 Bad Gateway");
    expect(cause.message).toContain("not a chat completion");
    expect(error.partial.usage).toMatchObject({ calls: 0, abandonedCalls: 1 });
  });

  it("is retried, and JSON without choices is reported with its start", async () => {
    mock.server.failNext(1, { type: "raw", body: JSON.stringify({ object: "error", message: "quota exhausted upstream" }) });
    mock.server.script({ content: "fine", usage: { inputTokens: 5, outputTokens: 1 } });
    const errors: unknown[] = [];
    const p = pipeline("retried", { client: mock.client }).step("write", { retries: 1, retryDelay: 1 }, (ctx) => ctx.run(writer, "hi"));
    const result = await p.run(undefined, { onEvent: (event) => event.type === "retry" && errors.push(event.error) });
    expect(result.output).toMatchObject({ text: "fine" });
    expect(result.usage).toMatchObject({ calls: 1, inputTokens: 5, outputTokens: 1, abandonedCalls: 1 });
    expect(String(errors[0])).toContain('{\\"object\\":\\"error\\",\\"message\\":\\"quota exhausted upstream\\"}');
    expect(String(errors[0])).toContain("application/json");
  });
});
