/**
 * A local, offline, OpenAI-compatible HTTP server for tests and demos.
 *
 * @module
 */
import { createServer } from "node:http";
import { MockServer } from "./internal/mock-server.js";
import type { MockOpenAIOptions, MockOpenAIServer } from "./internal/server-types.js";

export type { MockOpenAIOptions, MockOpenAIServer } from "./internal/server-types.js";

/**
 * Starts a local OpenAI-compatible server on 127.0.0.1 (never another interface)
 * implementing `GET /v1/models` and `POST /v1/chat/completions` (plain, streaming
 * with `stream_options.include_usage`, `json_schema` structured output and tool
 * calls), with scripted answers, injectable faults and token billing.
 * Close it with `close()` or `await using`.
 *
 * @example
 * ```ts
 * import OpenAI from "openai";
 * import { startMockOpenAI } from "stepgraph/testing";
 *
 * const server = await startMockOpenAI();
 * const client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0 });
 * server.failNext(1, { type: "status", status: 429, retryAfter: 1 });
 * await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
 *   .catch((e) => console.log(e instanceof OpenAI.RateLimitError)); // true
 * const ok = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
 * console.log(ok.choices[0]?.message.content); // "Echo: Hi"
 * await server.close();
 * ```
 */
export async function startMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockOpenAIServer> {
  let mock: MockServer | undefined;
  const server = createServer((req, res) => {
    void mock?.handle(req, res);
  });
  mock = new MockServer(server, options);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return mock;
}
