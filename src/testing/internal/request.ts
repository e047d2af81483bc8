/** Validation and normalisation of chat completion request bodies. */
import type { IncomingHttpHeaders } from "node:http";
import { asSchema } from "./schema.js";
import type {
  MockChatMessage,
  MockChatRequest,
  MockResponseFormat,
  MockToolChoice,
  MockToolDefinition,
} from "./types.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Flattens string / content-part array / null message content into text. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) => (isRecord(part) ? (str(part["text"]) ?? str(part["refusal"]) ?? "") : ""))
    .filter((t) => t.length > 0)
    .join("\n");
}

function message(raw: Record<string, unknown>): MockChatMessage {
  const calls = Array.isArray(raw["tool_calls"]) ? (raw["tool_calls"] as unknown[]) : [];
  const toolCalls = calls.filter(isRecord).map((c) => {
    const fn = isRecord(c["function"]) ? c["function"] : {};
    return { id: str(c["id"]) ?? "", name: str(fn["name"]) ?? "", arguments: str(fn["arguments"]) ?? "" };
  });
  const toolCallId = str(raw["tool_call_id"]);
  const name = str(raw["name"]);
  return {
    role: str(raw["role"]) ?? "user",
    content: contentText(raw["content"]),
    toolCalls,
    ...(toolCallId !== undefined ? { toolCallId } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

function tools(raw: unknown): MockToolDefinition[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).flatMap((t) => {
    const fn = isRecord(t["function"]) ? t["function"] : undefined;
    const name = fn !== undefined ? str(fn["name"]) : undefined;
    if (fn === undefined || name === undefined) return [];
    const description = str(fn["description"]);
    return [
      {
        name,
        ...(description !== undefined ? { description } : {}),
        ...(fn["parameters"] !== undefined ? { parameters: asSchema(fn["parameters"]) } : {}),
      },
    ];
  });
}

function toolChoice(raw: unknown): MockToolChoice {
  if (raw === "none" || raw === "required" || raw === "auto") return raw;
  if (isRecord(raw) && isRecord(raw["function"])) {
    const name = str(raw["function"]["name"]);
    if (name !== undefined) return { name };
  }
  return "auto";
}

function responseFormat(raw: unknown): MockResponseFormat {
  if (!isRecord(raw)) return { type: "text" };
  if (raw["type"] === "json_object") return { type: "json_object" };
  if (raw["type"] === "json_schema" && isRecord(raw["json_schema"])) {
    const js = raw["json_schema"];
    return {
      type: "json_schema",
      name: str(js["name"]) ?? "response",
      schema: asSchema(js["schema"]),
      strict: js["strict"] === true,
    };
  }
  return { type: "text" };
}

/** Either a normalised request or a message for a 400 answer. */
export type ParseResult = { readonly ok: true; readonly request: MockChatRequest } | { readonly ok: false; readonly error: string };

/** Validates the minimum the OpenAI API requires (`model`, non-empty `messages`) and normalises the rest. */
export function parseChatRequest(body: unknown, headers: IncomingHttpHeaders): ParseResult {
  if (!isRecord(body)) return { ok: false, error: "The request body must be a JSON object." };
  const model = str(body["model"]);
  if (model === undefined || model.length === 0) return { ok: false, error: "you must provide a model parameter" };
  const rawMessages = body["messages"];
  if (!Array.isArray(rawMessages) || rawMessages.length === 0 || !rawMessages.every(isRecord)) {
    return { ok: false, error: "'messages' must be a non-empty array of message objects." };
  }
  const messages = (rawMessages as Record<string, unknown>[]).map(message);
  const system = messages.filter((m) => m.role === "system" || m.role === "developer").map((m) => m.content);
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const streamOptions = isRecord(body["stream_options"]) ? body["stream_options"] : {};
  return {
    ok: true,
    request: {
      model,
      messages,
      systemPrompt: system.length > 0 ? system.join("\n") : undefined,
      lastUserMessage: lastUser?.content ?? "",
      lastMessage: messages.at(-1),
      tools: tools(body["tools"]),
      toolChoice: toolChoice(body["tool_choice"]),
      responseFormat: responseFormat(body["response_format"]),
      stream: body["stream"] === true,
      includeUsage: body["stream"] === true && streamOptions["include_usage"] === true,
      body,
      headers,
    },
  };
}
