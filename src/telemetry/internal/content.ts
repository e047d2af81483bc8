/**
 * Prompts, replies and tool arguments in the shapes the GenAI conventions
 * give them (`gen_ai.input.messages`, `gen_ai.output.messages`: JSON arrays
 * of `{ role, parts }`). Only ever called when the user opted in with
 * `captureContent: true`.
 */

/** A value as a span attribute: strings as they are, anything else as JSON. */
export const toContent = (value: unknown): string => {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

interface ChatMessageLike {
  readonly role?: unknown;
  readonly content?: unknown;
  readonly tool_calls?: ReadonlyArray<{ readonly id?: unknown; readonly function?: { readonly name?: unknown; readonly arguments?: unknown } }>;
  readonly tool_call_id?: unknown;
}

const partsOf = (message: ChatMessageLike): unknown[] => {
  const parts: unknown[] = [];
  if (message.role === "tool") {
    parts.push({ type: "tool_call_response", id: message.tool_call_id, response: message.content });
    return parts;
  }
  if (typeof message.content === "string") parts.push({ type: "text", content: message.content });
  else if (Array.isArray(message.content)) {
    for (const part of message.content as ReadonlyArray<{ readonly type?: unknown; readonly text?: unknown }>) {
      parts.push(part.type === "text" ? { type: "text", content: part.text } : { type: String(part.type) });
    }
  }
  for (const call of message.tool_calls ?? []) {
    parts.push({ type: "tool_call", id: call.id, name: call.function?.name, arguments: call.function?.arguments });
  }
  return parts;
};

/** The messages sent, as `gen_ai.input.messages`. */
export const inputMessages = (messages: ReadonlyArray<unknown>): string =>
  toContent(messages.map((message) => ({ role: (message as ChatMessageLike).role, parts: partsOf(message as ChatMessageLike) })));

/** The reply, as `gen_ai.output.messages`. */
export const outputMessages = (text: string, finishReasons: ReadonlyArray<string> | undefined): string =>
  toContent([{ role: "assistant", parts: [{ type: "text", content: text }], finish_reason: finishReasons?.[0] ?? "stop" }]);
