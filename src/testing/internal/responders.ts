/** The default deterministic "model" and route matching. */
import { generateFromSchema } from "./schema.js";
import { classify, entities, firstWords, stripInstruction } from "./text.js";
import type { MockChatMessage, MockChatRequest, MockResponder, MockResponseSpec, MockRoute } from "./types.js";

/** "lookup: {...}; search: {...}" for the tool messages answering the last assistant turn. */
function toolResults(request: MockChatRequest): string {
  const names = new Map<string, string>();
  for (const m of request.messages) for (const call of m.toolCalls) names.set(call.id, call.name);
  const trailing: MockChatMessage[] = [];
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!;
    if (m.role !== "tool") break;
    trailing.unshift(m);
  }
  return trailing
    .map((m) => `${names.get(m.toolCallId ?? "") ?? m.name ?? "tool"}: ${m.content}`)
    .join("; ");
}

function isExtract(text: string): boolean {
  return /^\s*extract\b/i.test(text);
}

/** The text answer for the prompt, without tools or schemas. */
function textAnswer(request: MockChatRequest): string {
  const prompt = request.lastUserMessage;
  const system = request.systemPrompt ?? "";
  if (request.lastMessage?.role === "tool") return `Based on the tool results: ${toolResults(request)}`;
  if (/\bclassify\b/i.test(prompt)) return classify(prompt);
  if (isExtract(prompt) || isExtract(system)) {
    const found = entities(stripInstruction(prompt));
    return found.length > 0 ? found.join(", ") : "No entities found.";
  }
  if (/^\s*summari[sz]e\b/i.test(prompt)) return `Summary: ${firstWords(stripInstruction(prompt), 12)}`;
  return `Echo: ${firstWords(prompt, 20)}`;
}

/**
 * The deterministic answer used when no script entry, responder or route applies:
 *
 * - tools offered (and `tool_choice` is not `"none"`) and the last message is not a
 *   `tool` result: call the forced tool or the first one, with arguments generated
 *   from its JSON Schema `parameters` and the last user message;
 * - `response_format` `json_schema`: a JSON value valid for the schema (see
 *   {@link generateFromSchema}); with `json_object`, `{ "answer": <text answer> }`;
 * - otherwise text: after tool results `Based on the tool results: name: result; …`,
 *   "classify" prompts get a label, prompts starting with "Extract" the
 *   capitalised entities, "Summarize" prompts `Summary: <first 12 words>`, anything
 *   else `Echo: <first 20 words>`.
 *
 * @example
 * ```ts
 * // Compose with your own rules:
 * server.setResponder((req) => (req.model === "refuser" ? { refusal: "No." } : defaultResponder(req)));
 * ```
 */
export function defaultResponder(request: MockChatRequest): MockResponseSpec {
  const afterTools = request.lastMessage?.role === "tool";
  const choice = request.toolChoice;
  if (request.tools.length > 0 && choice !== "none" && !afterTools) {
    const forced = typeof choice === "object" ? request.tools.find((t) => t.name === choice.name) : undefined;
    const tool = forced ?? request.tools[0]!;
    const parameters = tool.parameters ?? { type: "object", properties: {} };
    const args = generateFromSchema(parameters, request.lastUserMessage);
    const argObject = typeof args === "object" && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
    return { toolCalls: [{ name: tool.name, arguments: argObject }] };
  }
  const format = request.responseFormat;
  if (format.type === "json_schema") {
    const text = afterTools ? `${request.lastUserMessage}\n${toolResults(request)}` : request.lastUserMessage;
    const extract = isExtract(request.lastUserMessage) || isExtract(request.systemPrompt ?? "");
    return { json: generateFromSchema(format.schema, text, { extract }) };
  }
  if (format.type === "json_object") return { json: { answer: textAnswer(request) } };
  return { content: textAnswer(request) };
}

function matches(pattern: string | RegExp | undefined, value: string | undefined, exact: boolean): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  if (typeof pattern === "string") return exact ? value === pattern : value.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(value);
}

/** The first route matching the request's model and system prompt, as a responder. */
export function routeResponder(routes: readonly MockRoute[], request: MockChatRequest): MockResponder | undefined {
  const route = routes.find(
    (r) => matches(r.model, request.model, true) && matches(r.systemPrompt, request.systemPrompt, false),
  );
  if (route === undefined) return undefined;
  const respond = route.respond;
  return typeof respond === "function" ? respond : () => respond;
}
