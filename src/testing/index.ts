/**
 * `stepgraph/testing`: an offline OpenAI-compatible server for tests and demos.
 *
 * @example
 * ```ts
 * import OpenAI from "openai";
 * import { startMockOpenAI } from "stepgraph/testing";
 *
 * await using server = await startMockOpenAI();
 * const client = new OpenAI({ baseURL: server.url, apiKey: "test" });
 * ```
 *
 * @module
 */
export { startMockOpenAI } from "./server.js";
export type { MockOpenAIOptions, MockOpenAIServer } from "./internal/server-types.js";
export { defaultResponder } from "./internal/responders.js";
export { generateFromSchema } from "./internal/schema.js";
export type {
  BilledUsage,
  Fault,
  FinishReason,
  JsonSchema,
  JsonSchemaType,
  MockChatMessage,
  MockChatRequest,
  MockResponder,
  MockResponseFormat,
  MockResponseSpec,
  MockRoute,
  MockToolCallSpec,
  MockToolChoice,
  MockToolDefinition,
  MockUsageSpec,
  RecordedRequest,
  RequestOutcome,
  UsageTotals,
} from "./internal/types.js";
export { crashMatrix } from "./crash.js";
export type { CrashCase, CrashMatrixOptions, CrashMatrixReport } from "./crash.js";
