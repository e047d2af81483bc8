/**
 * The object a step function receives. Its AbortSignal is created only when a
 * step reads it, so steps that never look at it pay nothing.
 */
import { randomUUID } from "node:crypto";
import type { StepJournal } from "../journal.js";
import type * as Context from "effect/Context";
import { BudgetScope } from "../budget.js";
import type { ResolvedStepConfig } from "../config.js";
import type { Usage } from "../usage.js";
import type { RuntimeStepContext } from "../definition.js";
import type { RunEnv } from "../env.js";
import { isModelCaller, modelCalls, type ModelCallHost } from "../host.js";
import { stopRequest, type StopRequest } from "../stop.js";
import type { CompiledStep } from "./plan.js";
import { StepStatus, type RunState } from "./state.js";

/** What every step of one run shares. */
export interface RunScope {
  readonly pipeline: string;
  readonly input: unknown;
  readonly state: RunState;
  readonly env: RunEnv;
  /** Each step's own budget, made on first use. */
  readonly stepBudgets: Map<string, BudgetScope>;
  /** The journal of a durable run; undefined for a run that is not journalled. */
  readonly journal: StepJournal | undefined;
  /** The run's id when it is not journalled, made on first read (see {@link runIdOf}). */
  runId: string | undefined;
  /**
   * The Effect services the run was given (the context of the Effect it runs
   * in: `toEffect`'s caller's, or what `run` provided from a `layer` or
   * `runtime`). A run nested in one of its steps runs with them, so the
   * nested pipeline's Effect steps find them too.
   */
  readonly effects: Context.Context<never>;
}

/** The run's id: its journal's, else one made for it on first read. */
export const runIdOf = (scope: RunScope): string => scope.journal?.runId ?? (scope.runId ??= randomUUID());

/** What `pace` is without a rate limit: nothing to wait for. */
const noPacing = (): undefined => undefined;

const notAModelCaller = (method: string): TypeError =>
  new TypeError(`ctx.${method} takes an agent made by agent({ model, ... }); got something else.`);

/** A step attempt's context. */
export class AttemptContext implements RuntimeStepContext {
  private controller: AbortController | undefined;
  private modelHost: ModelCallHost | undefined;
  private ownBudgets: ReadonlyArray<BudgetScope> | undefined;

  constructor(
    readonly scope: RunScope,
    readonly step: CompiledStep,
    readonly attempt: number,
  ) {}

  get input(): unknown {
    return this.scope.input;
  }

  get services(): unknown {
    return this.scope.env.services;
  }

  get stepId(): string {
    return this.step.id;
  }

  get runId(): string {
    return runIdOf(this.scope);
  }

  get idempotencyKey(): string {
    const { scope, step, attempt } = this;
    const journal = scope.journal;
    return journal === undefined ? `${runIdOf(scope)}:${step.id}:${attempt}` : journal.idempotencyKey(step.id, attempt);
  }

  get usage(): Usage {
    // A copy: the ledger's own figures must not be changed through it.
    return Object.freeze({ ...this.scope.state.record.ledger.step(this.step.id) });
  }

  get config(): ResolvedStepConfig {
    return this.step.config;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  dep(id: string): unknown {
    const index = this.depIndex(id, "dep");
    if (this.scope.state.status[index] !== StepStatus.Succeeded) {
      throw new Error(
        `Step "${this.step.id}" read ctx.dep("${id}"), but "${id}" was skipped by its \`when\` condition. Use ctx.depOrUndefined("${id}") for a step that may be skipped.`,
      );
    }
    return this.scope.state.output(index);
  }

  depOrUndefined(id: string): unknown {
    return this.scope.state.output(this.depIndex(id, "depOrUndefined"));
  }

  stop<Payload>(payload: Payload): StopRequest<Payload> {
    return stopRequest(payload);
  }

  run(caller: unknown, input: unknown, options?: unknown): Promise<unknown> {
    if (!isModelCaller(caller)) return Promise.reject(notAModelCaller("run"));
    return caller[modelCalls].complete(this.host(), input, options);
  }

  stream(caller: unknown, input: unknown, options?: unknown): unknown {
    if (!isModelCaller(caller)) throw notAModelCaller("stream");
    return caller[modelCalls].stream(this.host(), input, options);
  }

  /** Aborts the signal, if anyone asked for it. */
  abort(reason: unknown): void {
    this.controller?.abort(reason);
  }

  /**
   * The budgets this step's model calls (and the runs it nests) are charged
   * to: the run's, and the step's own `costBudget`, whose crossing
   * interrupts this attempt.
   */
  budgets(): ReadonlyArray<BudgetScope> {
    if (this.ownBudgets !== undefined) return this.ownBudgets;
    const { scope, step } = this;
    const limit = step.config.costBudget;
    if (limit === undefined) return (this.ownBudgets = scope.env.budgets);
    // One budget for every attempt of the step; each attempt is interrupted when it is crossed.
    let own = scope.stepBudgets.get(step.id);
    if (own === undefined) {
      own = new BudgetScope({ limitUsd: limit, scope: "step", stepId: step.id });
      scope.stepBudgets.set(step.id, own);
    }
    own.onBreach((error) => this.abort(error));
    return (this.ownBudgets = [...scope.env.budgets, own]);
  }

  private host(): ModelCallHost {
    if (this.modelHost !== undefined) return this.modelHost;
    const { scope, step } = this;
    const { state, env } = scope;
    const signal = this.signal;
    const limiter = env.limiter;
    const span = state.record.span;
    const attempt = this.attempt;
    this.modelHost = {
      pipeline: scope.pipeline,
      stepId: step.id,
      callSite: step.definition.kind === "router" ? "router" : "step",
      get runId() {
        return runIdOf(scope);
      },
      services: env.services,
      signal,
      client: env.client,
      pricing: env.pricing,
      attempt,
      hooks: env.hooks,
      hook: (event) => state.record.emit({ type: "hook", stepId: step.id, at: state.now(), ...event }, span === undefined ? undefined : { attempt }),
      callDefaults: step.config.call,
      budgets: this.budgets(),
      pace: limiter === undefined ? noPacing : () => limiter.take(signal),
      now: () => state.now(),
      record: (record) => state.record.ledger.record({ ...record, stepId: step.id }),
      emit: (event, call) => state.record.emit({ type: "call", stepId: step.id, at: state.now(), ...event }, span === undefined ? undefined : { attempt, call }),
      traced: span !== undefined,
      captureContent: span?.captureContent ?? false,
      tool: (call) => state.record.tool(step.id, attempt, call),
      track: (abandon) => state.record.track(abandon),
    };
    return this.modelHost;
  }

  /** The plan index of a declared dependency; throws, saying what to do, for an id not in `after`. */
  private depIndex(id: string, method: string): number {
    const index = this.step.depIndex.get(id);
    if (index !== undefined) return index;
    const declared = this.step.definition.after.map((dep) => `"${dep}"`).join(", ") || "none";
    throw new Error(
      `Step "${this.step.id}" called ctx.${method}("${id}"), but "${id}" is not in its \`after\` list (declared: ${declared}). Add it to \`after\` so the step waits for it.`,
    );
  }
}
