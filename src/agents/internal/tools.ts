/**
 * Runs the tool calls a model asked for, validating their arguments.
 */
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from "openai/resources/chat/completions";
import { z } from "zod";
import { describe } from "../../runtime/errors.js";
import type { ModelCallHost } from "../../runtime/host.js";
import type { ToolContext } from "../tool.js";
import type { Agent, ToolCallRecord } from "../types.js";

/** What a tool's `execute` receives besides its arguments: the calling step's context, or a standalone call's. */
const toolContextOf = (host: ModelCallHost): ToolContext<unknown> => ({
  signal: host.signal,
  services: host.services,
  stepId: host.callSite === "standalone" ? undefined : host.stepId,
  runId: host.runId,
});

/** Runs one tool's `execute`, reporting it to the run's span when the run is traced. */
const executeTool = async (host: ModelCallHost, name: string, callId: string, args: unknown, execute: () => unknown): Promise<unknown> => {
  if (!host.traced) return execute();
  const startedAt = host.now();
  const content = host.captureContent;
  try {
    const result = await execute();
    host.tool({ name, callId, startedAt, durationMs: host.now() - startedAt, ...(content ? { arguments: args, result } : {}) });
    return result;
  } catch (error) {
    host.tool({ name, callId, startedAt, durationMs: host.now() - startedAt, error, ...(content ? { arguments: args } : {}) });
    throw error;
  }
};

/**
 * Runs each call and returns the tool messages to send back. Unknown tools
 * and invalid arguments are answered with an error message so the model can
 * correct itself; errors thrown by a tool's `execute` fail the call.
 */
export const runToolCalls = async (
  agent: Agent<unknown>,
  calls: ReadonlyArray<ChatCompletionMessageToolCall>,
  host: ModelCallHost,
  records: ToolCallRecord[],
): Promise<ChatCompletionMessageParam[]> => {
  const replies: ChatCompletionMessageParam[] = [];
  let context: ToolContext<unknown> | undefined;
  for (const call of calls) {
    if (call.type !== "function") {
      replies.push({ role: "tool", tool_call_id: call.id, content: `Error: unsupported tool call type "${call.type}".` });
      continue;
    }
    const name = call.function.name;
    const definition = agent.config.tools?.[name];
    if (definition === undefined) {
      const known = Object.keys(agent.config.tools ?? {}).join(", ");
      replies.push({ role: "tool", tool_call_id: call.id, content: `Error: there is no tool "${name}". Tools: ${known}.` });
      continue;
    }
    let args: unknown;
    try {
      args = JSON.parse(call.function.arguments || "{}");
    } catch {
      replies.push({ role: "tool", tool_call_id: call.id, content: "Error: the arguments are not valid JSON." });
      continue;
    }
    const parsed = z.safeParse(definition.parameters, args);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
      replies.push({ role: "tool", tool_call_id: call.id, content: `Error: invalid arguments (${issues}).` });
      continue;
    }
    const result = await executeTool(host, name, call.id, parsed.data, () => (definition as { execute(args: unknown, context: ToolContext<unknown>): unknown }).execute(parsed.data, (context ??= toolContextOf(host))));
    records.push({ name, arguments: parsed.data, result });
    replies.push({ role: "tool", tool_call_id: call.id, content: describe(result) });
  }
  return replies;
};
