import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startMockOpenAI, type MockOpenAIServer } from "../../src/testing/index.js";

/** Starts one local OpenAI-compatible server for a test file, reset before each test. */
export const useMockOpenAI = () => {
  const context = {} as { server: MockOpenAIServer; client: OpenAI };
  beforeAll(async () => {
    context.server = await startMockOpenAI();
    context.client = new OpenAI({ baseURL: context.server.url, apiKey: "test-key", maxRetries: 0 });
  });
  beforeEach(() => context.server.reset());
  afterAll(async () => {
    await context.server.close();
  });
  return context;
};

/** gpt-4o-mini's list price in nano-dollars: 150 per input token, 600 per output token. */
export const gpt4oMiniCost = (inputTokens: number, outputTokens: number) => inputTokens * 150 + outputTokens * 600;
