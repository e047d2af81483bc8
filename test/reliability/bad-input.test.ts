/**
 * Bad input of every kind ends in a clear typed error, with nothing half
 * done: no step started, no request sent (or, for a reply that fails its
 * schema after every retry, only the requests that were retried).
 */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AgentOutputError,
  AgentRequestError,
  CheckpointMismatchError,
  PipelineDefinitionError,
  PipelineInputError,
  StepExecutionError,
  agent,
  pipeline,
} from "../../src/index.js";
import { startMockOpenAI } from "../../src/testing/index.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

const rejected = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("it should reject"), (error: unknown) => error);

describe("bad input", () => {
  it("an input failing the schema rejects with PipelineInputError and its issues, before any step starts", async () => {
    let started = false;
    const p = pipeline("input", { input: z.object({ text: z.string().min(1) }) }).step("a", () => (started = true));
    const error = (await rejected(p.run({ text: "" } as never))) as PipelineInputError;
    expect(error).toBeInstanceOf(PipelineInputError);
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.message).toContain('"input"');
    expect(started).toBe(false);
  });

  it("a duplicate step id from untyped code is refused when declared", () => {
    const p = pipeline("dup").step("a", () => 1) as unknown as { step(id: string, run: () => unknown): unknown };
    expect(() => p.step("a", () => 2)).toThrow(PipelineDefinitionError);
    expect(() => p.step("a", () => 2)).toThrow('step "a" is already defined');
  });

  it("a checkpoint from another pipeline is refused before any step starts", async () => {
    let started = false;
    const other = await pipeline("other").step("a", () => 1).run();
    const p = pipeline("mine").step("a", () => (started = true));
    const error = await rejected(p.run(undefined, { resume: other.checkpoint }));
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect(started).toBe(false);
  });

  it("an agent output that fails its schema after every retry is an AgentOutputError with the raw reply, its billed usage counted", async () => {
    mock.server.setResponder(() => ({ json: { wrong: 1 }, usage: { inputTokens: 10, outputTokens: 3 } }));
    const writer = agent({ model: "gpt-4o-mini", output: z.object({ value: z.string() }) });
    const p = pipeline("schema", { client: mock.client }).step("write", { retries: 1, retryDelay: 1 }, (ctx) => ctx.run(writer, "hi", { retries: 1, retryDelay: 1 }));
    const error = (await rejected(p.run())) as StepExecutionError;
    expect(error.cause).toBeInstanceOf(AgentOutputError);
    expect((error.cause as AgentOutputError).text).toBe('{"wrong":1}');
    expect(error.attempts).toBe(2);
    expect(mock.server.requests).toHaveLength(4);
    expect(error.partial.usage).toMatchObject({ calls: 4, inputTokens: 40, outputTokens: 12 });
  });

  it("a 401 is not retried and says to check the API key, without showing it", async () => {
    const key = "sk-test-badkey-0123456789";
    const server = await startMockOpenAI({ apiKey: "sk-the-right-one" });
    try {
      const client = new OpenAI({ baseURL: server.url, apiKey: key, maxRetries: 0 });
      const writer = agent({ model: "gpt-4o-mini", client });
      const p = pipeline("auth").step("write", { retries: 3, retryDelay: 1 }, (ctx) => ctx.run(writer, "hi", { retries: 3, retryDelay: 1 }));
      const error = (await rejected(p.run())) as StepExecutionError;
      const cause = error.cause as AgentRequestError;
      expect(cause).toBeInstanceOf(AgentRequestError);
      expect(cause).toMatchObject({ status: 401, retryable: false });
      expect(cause.message).toContain("check OPENAI_API_KEY");
      expect(`${String(error)} ${error.message} ${cause.message} ${error.stack}`).not.toContain(key);
      expect(error.attempts).toBe(1);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
