/**
 * Public types describing a parsed chat request. Re-exported from `stepgraph/testing`.
 *
 * @module
 */
import type { IncomingHttpHeaders } from "node:http";

/**
 * The subset of JSON Schema the mock server understands when it invents
 * structured output or tool arguments. Unknown keywords are ignored.
 *
 * @example
 * ```ts
 * const schema: JsonSchema = {
 *   type: "object",
 *   properties: { title: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
 *   required: ["title", "tags"],
 * };
 * ```
 */
export interface JsonSchema {
  readonly type?: JsonSchemaType | readonly JsonSchemaType[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly format?: string;
  readonly description?: string;
  readonly [keyword: string]: unknown;
}

/**
 * A JSON Schema primitive type name.
 *
 * @example
 * ```ts
 * const t: JsonSchemaType = "integer";
 * ```
 */
export type JsonSchemaType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

/**
 * A chat message with its text flattened.
 *
 * @example
 * ```ts
 * const m: MockChatMessage = { role: "user", content: "Hello", toolCalls: [] };
 * ```
 */
export interface MockChatMessage {
  readonly role: string;
  /** Text content; array content parts are joined with newlines. */
  readonly content: string;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly toolCallId?: string;
  readonly name?: string;
}

/**
 * A function tool offered by the client.
 *
 * @example
 * ```ts
 * const tool: MockToolDefinition = { name: "lookup", parameters: { type: "object", properties: {} } };
 * ```
 */
export interface MockToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: JsonSchema;
}

/**
 * The requested output format.
 *
 * @example
 * ```ts
 * const f: MockResponseFormat = { type: "json_schema", name: "out", schema: { type: "object" }, strict: true };
 * ```
 */
export type MockResponseFormat =
  | { readonly type: "text" }
  | { readonly type: "json_object" }
  | { readonly type: "json_schema"; readonly name: string; readonly schema: JsonSchema; readonly strict: boolean };

/**
 * How the client asked the model to use tools.
 *
 * @example
 * ```ts
 * const choice: MockToolChoice = { name: "lookup" };
 * ```
 */
export type MockToolChoice = "auto" | "none" | "required" | { readonly name: string };

/**
 * A parsed `POST /v1/chat/completions` request, as given to responders.
 *
 * @example
 * ```ts
 * server.setResponder((req) => (req.model === "tiny" ? { content: req.lastUserMessage.toUpperCase() } : undefined));
 * ```
 */
export interface MockChatRequest {
  readonly model: string;
  readonly messages: readonly MockChatMessage[];
  /** All `system` and `developer` messages joined with newlines, or `undefined`. */
  readonly systemPrompt: string | undefined;
  /** Text of the last `user` message, `""` if there is none. */
  readonly lastUserMessage: string;
  readonly lastMessage: MockChatMessage | undefined;
  readonly tools: readonly MockToolDefinition[];
  readonly toolChoice: MockToolChoice;
  readonly responseFormat: MockResponseFormat;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** The raw JSON body. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: IncomingHttpHeaders;
}
