/**
 * Errors of model calls. Each says whether it may be retried (`retryable`),
 * which the step and call retry policies read.
 */
import * as Data from "effect/Data";
import { brandErrors } from "../runtime/stepgraph-error.js";

/**
 * The model provider answered with an error, or could not be reached.
 * Transient failures (timeouts, 408/409/429/5xx, connection errors) are
 * retryable, honouring `Retry-After`; 400/401/403/404 are not.
 */
export class AgentRequestError extends Data.TaggedError("AgentRequestError")<{
  readonly model: string;
  /** The HTTP status, if a response arrived. */
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The delay the provider asked for before a retry, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  readonly detail: string;
  readonly cause?: unknown;
}> {
  override get message(): string {
    return `Model call to "${this.model}" failed${this.status === undefined ? "" : ` with HTTP ${this.status}`}: ${this.detail}`;
  }
}

/** The model's reply did not match the agent's output schema (retryable). `text` is the raw reply. */
export class AgentOutputError extends Data.TaggedError("AgentOutputError")<{
  readonly model: string;
  readonly text: string;
  readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }>;
}> {
  readonly retryable = true;

  override get message(): string {
    const issues = this.issues.map((issue) => issue.message).join("; ");
    const text = this.text.length > 200 ? `${this.text.slice(0, 200)}…` : this.text;
    return `The reply of "${this.model}" does not match the output schema (${issues}). Raw reply: ${text}`;
  }
}

/** The tool-call loop did not finish within `maxTurns` model calls. */
export class AgentMaxTurnsError extends Data.TaggedError("AgentMaxTurnsError")<{
  readonly model: string;
  readonly maxTurns: number;
}> {
  readonly retryable = false;

  override get message(): string {
    return `Agent on "${this.model}" was still calling tools after ${this.maxTurns} turns. Raise maxTurns or make the tools' results conclusive.`;
  }
}

/**
 * A model without a known price was called while a cost budget is in force.
 * Without a budget, its cost is reported as unknown (`null`) instead.
 */
export class UnknownModelPriceError extends Data.TaggedError("UnknownModelPriceError")<{
  readonly model: string;
  /** Where prices can be given, for the message (default "the agent or the pipeline"). */
  readonly pricingOn?: string | undefined;
  /** The agent's `provider` option, when it had one. */
  readonly provider?: string | undefined;
}> {
  readonly retryable = false;

  override get message(): string {
    const where =
      this.provider === undefined
        ? "it is not in your pricing, and @pydantic/genai-prices' database finds no provider's model for its id or the client's baseURL"
        : `it is not in your pricing, nor among provider "${this.provider}"'s models in @pydantic/genai-prices' database`;
    return `No price is known for model "${this.model}" (${where}), so a cost budget cannot be enforced. Add it: pricing: { "${this.model}": { input: <USD per 1M input tokens>, output: <USD per 1M output tokens> } } on ${this.pricingOn ?? "the agent or the pipeline"}${this.provider === undefined ? ', or name the provider serving it: agent({ model, provider: "groq" })' : ""}.`;
  }
}

/** An agent is set up wrongly (for example, no API key for the default client). */
export class AgentConfigError extends Data.TaggedError("AgentConfigError")<{
  readonly problem: string;
}> {
  readonly retryable = false;

  override get message(): string {
    return this.problem;
  }
}

// Every error above is a StepgraphError (see runtime/stepgraph-error.ts).
brandErrors(AgentRequestError, AgentOutputError, AgentMaxTurnsError, UnknownModelPriceError, AgentConfigError);
