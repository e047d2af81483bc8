/**
 * The object a step function receives. Its AbortSignal is created only when a
 * step reads it, so steps that never look at it pay nothing.
 */
import type { Agent, AgentInput, AgentResponse, CallOptions } from "../../agents/agent.js";
import { completeAgent } from "../../agents/internal/complete.js";
import { streamAgent, type AgentStream } from "../../agents/internal/stream.js";
import type { PriceTable } from "../../agents/pricing.js";
import { BudgetScope } from "../budget.js";
import type { RuntimeStepContext } from "../definition.js";
import type { ModelCallHost } from "../host.js";
import type { RateLimiter } from "../rate-limit.js";
import { stopRequest, type StopRequest } from "../stop.js";
import type { CompiledStep } from "./plan.js";
import { StepStatus, type RunState } from "./state.js";

/** The services and input shared by every step of one run. */
export interface RunScope {
  readonly pipeline: string;
  readonly input: unknown;
  readonly services: unknown;
  readonly state: RunState;
  readonly client: unknown;
  readonly pricing: PriceTable | undefined;
  /** Budgets every step's calls are charged to: the run's own and any shared ones. */
  readonly budgets: ReadonlyArray<BudgetScope>;
  /** Each step's own budget, made on first use. */
  readonly stepBudgets: Map<string, BudgetScope>;
  /** Paces every model request of the run, if a rate limit is set. */
  readonly limiter: RateLimiter | undefined;
}

/** What `pace` is without a rate limit: nothing to wait for. */
const noPacing = (): undefined => undefined;

/** The key under which a context exposes its run scope to sub-pipelines (stepgraph-internal). */
export const runScopeKey: unique symbol = Symbol.for("stepgraph/runScope");

/** A step attempt's context. */
export class AttemptContext implements RuntimeStepContext {
  private controller: AbortController | undefined;
  private modelHost: ModelCallHost | undefined;

  constructor(
    readonly scope: RunScope,
    readonly step: CompiledStep,
    readonly attempt: number,
  ) {}

  get [runScopeKey](): RunScope {
    return this.scope;
  }

  get input(): unknown {
    return this.scope.input;
  }

  get services(): unknown {
    return this.scope.services;
  }

  get stepId(): string {
    return this.step.id;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  dep(id: string): unknown {
    this.assertDeclared(id, "dep");
    const index = this.depIndex(id);
    if (this.scope.state.status[index] !== StepStatus.Succeeded) {
      throw new Error(
        `Step "${this.step.id}" read ctx.dep("${id}"), but "${id}" was skipped by its \`when\` condition. Use ctx.depOrUndefined("${id}") for a step that may be skipped.`,
      );
    }
    return this.scope.state.output(index);
  }

  depOrUndefined(id: string): unknown {
    this.assertDeclared(id, "depOrUndefined");
    return this.scope.state.output(this.depIndex(id));
  }

  stop<Payload>(payload: Payload): StopRequest<Payload> {
    return stopRequest(payload);
  }

  run<Output>(agent: Agent<Output>, input: AgentInput, options?: CallOptions): Promise<AgentResponse<Output>> {
    return completeAgent(agent, this.host(), input, options);
  }

  stream<Output>(agent: Agent<Output>, input: AgentInput, options?: CallOptions): AgentStream<Output> {
    return streamAgent(agent, this.host(), input, options);
  }

  /** Aborts the signal, if anyone asked for it. */
  abort(reason: unknown): void {
    this.controller?.abort(reason);
  }

  private host(): ModelCallHost {
    if (this.modelHost !== undefined) return this.modelHost;
    const { scope, step } = this;
    const state = scope.state;
    const limit = step.config.costBudget;
    let budgets = scope.budgets;
    if (limit !== undefined) {
      let own = scope.stepBudgets.get(step.id);
      if (own === undefined) {
        own = new BudgetScope({ limitUsd: limit, scope: "step", stepId: step.id });
        own.onBreach((error) => this.abort(error));
        scope.stepBudgets.set(step.id, own);
      }
      budgets = [...budgets, own];
    }
    const signal = this.signal;
    this.modelHost = {
      stepId: step.id,
      signal,
      client: scope.client,
      pricing: scope.pricing,
      budgets,
      pace: scope.limiter === undefined ? noPacing : () => (scope.limiter as RateLimiter).take(signal),
      now: () => state.now(),
      record: (record) => state.ledger.record({ ...record, stepId: step.id }),
      emit: (event) => state.emit({ type: "call", stepId: step.id, at: state.now(), ...event }),
    };
    return this.modelHost;
  }

  /** The plan index of a declared dependency. */
  private depIndex(id: string): number {
    return this.step.deps[this.step.definition.after.indexOf(id)]!;
  }

  private assertDeclared(id: string, method: string): void {
    if (!this.step.depIds.has(id)) {
      const declared = this.step.definition.after.map((dep) => `"${dep}"`).join(", ") || "none";
      throw new Error(
        `Step "${this.step.id}" called ctx.${method}("${id}"), but "${id}" is not in its \`after\` list (declared: ${declared}). Add it to \`after\` so the step waits for it.`,
      );
    }
  }
}
