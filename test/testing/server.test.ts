import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { generateFromSchema, startMockOpenAI, type JsonSchema, type MockOpenAIServer } from "../../src/testing/index.js";

const MODEL = "gpt-4o-mini";

let server: MockOpenAIServer;
let client: OpenAI;

beforeEach(async () => {
  server = await startMockOpenAI();
  client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0, timeout: 5000 });
});

afterEach(async () => {
  await server.close();
});

function ask(content: string, extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming> = {}) {
  return client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content }], ...extra });
}

describe("startMockOpenAI: basics", () => {
  it("listens on 127.0.0.1 with a /v1 base URL and lists models", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain(MODEL);
    expect(server.requests[0]).toMatchObject({ method: "GET", path: "/v1/models", aborted: false, outcome: "completed" });
  });

  it("answers a plain completion with usage, records the request and bills it", async () => {
    const res = await ask("Hello there, how are you today?");
    expect(res.object).toBe("chat.completion");
    expect(res.choices[0]?.message).toMatchObject({ role: "assistant", content: "Echo: Hello there, how are you today?", refusal: null });
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(0);

    const [req] = server.requests;
    expect(req).toMatchObject({ method: "POST", path: "/v1/chat/completions", aborted: false, status: 200, outcome: "completed" });
    expect(req?.body).toMatchObject({ model: MODEL, messages: [{ role: "user", content: "Hello there, how are you today?" }] });
    expect(req?.headers.authorization).toBe("Bearer test");
    expect(typeof req?.receivedAt).toBe("number");
    expect(server.billed).toEqual([
      {
        requestId: req?.id,
        model: MODEL,
        inputTokens: res.usage?.prompt_tokens,
        outputTokens: res.usage?.completion_tokens,
        cachedInputTokens: 0,
        cacheWriteInputTokens: 0,
        inputAudioTokens: 0,
        reasoningTokens: 0,
        outputAudioTokens: 0,
        partial: false,
      },
    ]);
    expect(server.totalBilled()).toMatchObject({ totalTokens: res.usage?.total_tokens, responses: 1 });
  });

  it("serves scripted responses in order, with usage overrides, then falls back to the default", async () => {
    server.script({ content: "first", usage: { inputTokens: 100, outputTokens: 7, cachedInputTokens: 64 } }, { json: { ok: true } });
    expect(server.scriptRemaining).toBe(2);
    const a = await ask("one");
    const b = await ask("two");
    const c = await ask("three");
    expect(a.choices[0]?.message.content).toBe("first");
    expect(a.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 64 } });
    expect(JSON.parse(b.choices[0]?.message.content ?? "")).toEqual({ ok: true });
    expect(c.choices[0]?.message.content).toBe("Echo: three");
    expect(server.totalBilled().cachedInputTokens).toBe(64);
  });

  it("reports cache-write, reasoning and audio tokens in OpenAI's fields or an Anthropic proxy's, and bills them", async () => {
    const counts = { inputTokens: 1000, cachedInputTokens: 100, cacheWriteInputTokens: 600, inputAudioTokens: 50, outputTokens: 40, reasoningTokens: 30, outputAudioTokens: 5 };
    server.script({ content: "a", usage: counts }, { content: "b", usage: { ...counts, style: "anthropic" } }, { content: "c" });
    const openai = await ask("one");
    expect(openai.usage).toMatchObject({
      prompt_tokens: 1000,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 600, audio_tokens: 50 },
      completion_tokens: 40,
      completion_tokens_details: { reasoning_tokens: 30, audio_tokens: 5 },
    });
    const anthropic = await ask("two");
    expect(anthropic.usage).toMatchObject({ prompt_tokens: 1000, cache_read_input_tokens: 100, cache_creation_input_tokens: 600 });
    expect(anthropic.usage?.prompt_tokens_details).toEqual({ audio_tokens: 50 });
    // Without cache writes, OpenAI's fields are as OpenAI sends them.
    expect((await ask("three")).usage?.prompt_tokens_details).toEqual({ cached_tokens: 0, audio_tokens: 0 });
    expect(server.totalBilled()).toMatchObject({ cacheWriteInputTokens: 1200, reasoningTokens: 60, inputAudioTokens: 100, outputAudioTokens: 10, responses: 3 });
  });

  it("classifies, extracts and routes by model or system prompt, and resets", async () => {
    const label = await ask("Classify this message as one of: invoice, contract, letter.\nPlease pay the attached invoice by Friday.");
    expect(label.choices[0]?.message.content).toBe("invoice");
    const extracted = await ask("Extract the entities: Alice Smith met Bob at Acme Corp in Paris.");
    expect(extracted.choices[0]?.message.content).toBe("Alice Smith, Bob, Acme Corp, Paris");

    await server.close();
    server = await startMockOpenAI({
      routes: [
        { model: "tiny", respond: { content: "tiny model" } },
        { systemPrompt: /translator/i, respond: (req) => ({ content: `FR: ${req.lastUserMessage}` }) },
      ],
    });
    client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0, timeout: 5000 });
    expect((await ask("x", { model: "tiny" })).choices[0]?.message.content).toBe("tiny model");
    const translated = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "system", content: "You are a Translator." },
        { role: "user", content: "hello" },
      ],
    });
    expect(translated.choices[0]?.message.content).toBe("FR: hello");

    server.setResponder((req) => (req.lastUserMessage === "custom" ? { content: "from responder" } : undefined));
    expect((await ask("custom")).choices[0]?.message.content).toBe("from responder");
    expect((await ask("other")).choices[0]?.message.content).toBe("Echo: other");
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect(server.billed).toHaveLength(0);
  });
});

describe("startMockOpenAI: streaming", () => {
  it("streams deltas and a final usage chunk with include_usage", async () => {
    server.script({ content: "The quick brown fox jumps over the lazy dog" });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Tell me about foxes" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let emptyChoiceChunks = 0;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      if (chunk.choices.length === 0) emptyChoiceChunks++;
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("The quick brown fox jumps over the lazy dog");
    expect(finish).toBe("stop");
    expect(emptyChoiceChunks).toBe(1);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(server.billed[0]).toMatchObject({ inputTokens: usage?.prompt_tokens, outputTokens: usage?.completion_tokens, partial: false });
  });

  it("streams tool calls that the SDK helper reassembles", async () => {
    server.script({ toolCalls: [{ name: "lookup", arguments: { city: "Paris", days: 3 } }] });
    const runner = client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: {} } } }],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({ city: "Paris", days: 3 });
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("bills a stream the client leaves early only partially", async () => {
    server.script({ content: "one two three four five six seven eight nine ten", chunkDelayMs: 30 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: [{ role: "user", content: "count" }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content && ++seen === 2) controller.abort();
      }
    } catch {
      // Depending on timing the SDK either ends the iteration or throws an abort error.
    }
    expect(seen).toBe(2);
    await server.idle();
    expect(server.requests[0]?.aborted).toBe(true);
    expect(server.billed[0]?.partial).toBe(true);
    expect(server.billed[0]?.outputTokens).toBeLessThan(10);
  });

  it("cuts a stream mid-way with a reset after some events, billing only what was sent", async () => {
    server.script({ content: "one two three four five six seven eight", chunkDelayMs: 5, fault: { type: "reset", afterEvents: 3 } });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "count" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(deltas).toHaveLength(2);
    expect("one two three four five six seven eight".startsWith(deltas.join(""))).toBe(true);
    await server.idle();
    expect(server.requests[0]).toMatchObject({ fault: "reset", outcome: "fault", aborted: false });
    expect(server.billed[0]?.partial).toBe(true);
    expect(server.billed[0]?.outputTokens).toBeLessThan(8);
  });
});

describe("startMockOpenAI: structured output and tools", () => {
  it("produces JSON valid for a json_schema response format (SDK parse helper)", async () => {
    const Invoice = z.object({
      title: z.string(),
      vendor: z.string(),
      total: z.number().min(0).max(10_000),
      lines: z.number().int(),
      paid: z.boolean(),
      currency: z.enum(["EUR", "USD", "GBP"]),
      entities: z.array(z.string()),
      address: z.object({ city: z.string(), zip: z.string().max(5) }),
    });
    const completion = await client.chat.completions.parse({
      model: MODEL,
      messages: [{ role: "user", content: "Invoice from Acme Corp in Berlin, total 120 EUR, due next week." }],
      response_format: zodResponseFormat(Invoice, "invoice"),
    });
    const parsed = completion.choices[0]?.message.parsed;
    expect(Invoice.parse(parsed)).toEqual(parsed);
    expect(parsed?.currency).toBe("EUR");
    expect(parsed?.entities).toEqual(["Invoice", "Acme Corp", "Berlin", "EUR"]);
  });

  it("extracts capitalised entities for Extract prompts with a raw JSON schema", async () => {
    const schema = {
      type: "object",
      properties: { people: { type: "array", items: { type: "string" } }, summary: { type: "string" } },
      required: ["people", "summary"],
      additionalProperties: false,
    };
    const res = await ask("Extract the people: Ada Lovelace wrote to Charles Babbage from London.", {
      response_format: { type: "json_schema", json_schema: { name: "people", schema, strict: true } },
    });
    const value: unknown = JSON.parse(res.choices[0]?.message.content ?? "null");
    expect(value).toEqual({
      people: ["Ada Lovelace", "Charles Babbage", "London"],
      summary: "Ada Lovelace wrote to Charles Babbage from London.",
    });
  });

  it("does a tool call round trip with the default responder", async () => {
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: {
            type: "object",
            properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
            required: ["city", "unit"],
          },
        },
      },
    ];
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "What is the weather in Paris in celsius?" }];
    const first = await client.chat.completions.create({ model: MODEL, messages, tools });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    if (call?.type !== "function") throw new Error("expected a function tool call");
    expect(call.function.name).toBe("get_weather");
    const args = JSON.parse(call.function.arguments) as { city: string; unit: string };
    expect(args).toEqual({ city: "Paris", unit: "celsius" });

    messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: "22 degrees and sunny" });
    const second = await client.chat.completions.create({ model: MODEL, messages, tools });
    expect(second.choices[0]?.message.tool_calls).toBeUndefined();
    expect(second.choices[0]?.message.content).toBe("Based on the tool results: get_weather: 22 degrees and sunny");
  });
});

describe("startMockOpenAI: faults", () => {
  it("surfaces 429 with Retry-After as RateLimitError without consuming the script", async () => {
    server.script({ content: "after the rate limit" });
    server.failNext(1, { type: "status", status: 429, retryAfter: 2 });
    const error = await ask("hi").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rate = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rate.status).toBe(429);
    expect(rate.headers.get("retry-after")).toBe("2");
    expect(rate.code).toBe("rate_limit_exceeded");
    expect((await ask("hi")).choices[0]?.message.content).toBe("after the rate limit");
    expect(server.requests.map((r) => r.outcome)).toEqual(["error", "completed"]);
    expect(server.billed).toHaveLength(1);
  });

  it("gives AuthenticationError for 401 (scripted fault and apiKey option) and InternalServerError for 500", async () => {
    server.script({ fault: { type: "status", status: 401 } }, { status: 500 });
    await expect(ask("a")).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(ask("b")).rejects.toBeInstanceOf(OpenAI.InternalServerError);

    const locked = await startMockOpenAI({ apiKey: "sk-right" });
    try {
      const wrong = new OpenAI({ baseURL: locked.url, apiKey: "sk-wrong", maxRetries: 0, timeout: 5000 });
      const error = await wrong.models.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ code: "invalid_api_key" });
    } finally {
      await locked.close();
    }
    expect(server.billed).toHaveLength(0);
  });

  it("marks a request aborted during latency and does not bill it", async () => {
    server.script({ content: "too late", latencyMs: 2000 });
    const controller = new AbortController();
    const pending = client.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "abort me" }] }, { signal: controller.signal })
      .catch((e: unknown) => e);
    await server.waitForRequests(1);
    expect(server.requests[0]?.outcome).toBe("pending");
    const started = Date.now();
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await server.idle();
    expect(Date.now() - started).toBeLessThan(500);
    expect(server.requests[0]).toMatchObject({ aborted: true, outcome: "aborted", status: undefined });
    expect(server.billed).toHaveLength(0);
    expect(server.totalBilled().totalTokens).toBe(0);
  });

  it("bills an aborted request when billOnAbort is set", async () => {
    server.script({ content: "expensive", latencyMs: 2000, billOnAbort: true });
    const controller = new AbortController();
    const p = client.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "x" }] }, { signal: controller.signal })
      .catch((e: unknown) => e);
    await server.waitForRequests(1);
    controller.abort();
    await p;
    await server.idle();
    expect(server.requests[0]?.aborted).toBe(true);
    expect(server.billed).toHaveLength(1);
  });

  it("turns malformed and truncated bodies into errors and reset into a connection error", async () => {
    server.script({ fault: { type: "malformed" } }, { fault: { type: "truncated" } }, { fault: { type: "reset" } });
    await expect(ask("a")).rejects.toThrow();
    await expect(ask("b")).rejects.toThrow();
    await expect(ask("c")).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(server.requests.map((r) => [r.fault, r.outcome])).toEqual([
      ["malformed", "fault"],
      ["truncated", "fault"],
      ["reset", "fault"],
    ]);
  });

  it("applies queued latency faults and the faults option", async () => {
    await server.close();
    server = await startMockOpenAI({ faults: [{ type: "latency", ms: 50 }, { type: "status", status: 503 }] });
    client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0, timeout: 5000 });
    const started = Date.now();
    expect((await ask("slow")).choices[0]?.message.content).toBe("Echo: slow");
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    await expect(ask("down")).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(server.requests.map((r) => r.fault)).toEqual(["latency", "status"]);
  });

  it("can close a hanging request and leaves no handle behind", async () => {
    const handles = (): string[] => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP"));
    await server.close();
    const baseline = handles();
    server = await startMockOpenAI({ script: [{ fault: { type: "hang" } }] });
    client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0, timeout: 5000 });
    const pending = ask("wait forever").catch((e: unknown) => e);
    await server.waitForRequests(1);
    expect(server.listening).toBe(true);
    await server[Symbol.asyncDispose]();
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(server.listening).toBe(false);
    expect(server.requests[0]).toMatchObject({ aborted: false, outcome: "closed" });
    expect(handles()).toEqual(baseline);
    await server.close(); // idempotent
  });
});

describe("startMockOpenAI: prompt cache and schema values", () => {
  it("simulates prompt caching for repeated long prefixes", async () => {
    await server.close();
    server = await startMockOpenAI({ promptCache: true });
    client = new OpenAI({ baseURL: server.url, apiKey: "test", maxRetries: 0, timeout: 5000 });
    const system = "You are a careful document analyst. ".repeat(200);
    const send = (content: string) =>
      client.chat.completions.create({ model: MODEL, messages: [{ role: "system", content: system }, { role: "user", content }] });
    const first = await send("first");
    const second = await send("second");
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached % 128).toBe(0);
    expect(cached).toBeLessThanOrEqual(second.usage?.prompt_tokens ?? 0);
  });

  it("generates deterministic values honouring bounds, enums, formats and $refs", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        score: { type: "integer", minimum: 3, maximum: 5 },
        ratio: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
        when: { type: "string", format: "date-time" },
        code: { type: "string", minLength: 8, maxLength: 10 },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 2 },
        owner: { $ref: "#/$defs/person" },
        note: { anyOf: [{ type: "null" }, { type: "string" }] },
      },
      required: ["score", "ratio", "when", "code", "tags", "owner", "note"],
      $defs: { person: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
    };
    const text = "Grace Hopper reviewed the compiler in Arlington";
    const value = generateFromSchema(schema, text) as Record<string, unknown>;
    expect(value).toEqual(generateFromSchema(schema, text));
    expect(value["score"]).toBeGreaterThanOrEqual(3);
    expect(value["score"]).toBeLessThanOrEqual(5);
    expect(Number.isInteger(value["score"])).toBe(true);
    expect(value["ratio"]).toBeGreaterThan(0);
    expect(value["ratio"]).toBeLessThan(1);
    expect(Number.isNaN(Date.parse(String(value["when"])))).toBe(false);
    expect(String(value["code"]).length).toBeGreaterThanOrEqual(8);
    expect(String(value["code"]).length).toBeLessThanOrEqual(10);
    expect(value["tags"]).toEqual(["Grace Hopper", "Arlington"]);
    expect(value["owner"]).toEqual({ name: "Grace Hopper" });
    expect(typeof value["note"]).toBe("string");
  });
});
