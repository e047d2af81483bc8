/**
 * The runtime side of `router()`. The routing decision runs as a one-step
 * pipeline whose step is the router's `route` function, so it gets a real
 * step context (signal, services, agent calls), a trace, usage, retries and
 * timeouts like any step. Then the chosen route runs, and the two runs'
 * reports are merged into one result.
 */
import * as Effect from "effect/Effect";
import type { StandardSchemaV1 } from "../../builder/input-schema.js";
import type { Graph, NodeConfig } from "../../graph/graph.js";
import { renderMermaid } from "../../graph/mermaid.js";
import { BudgetScope } from "../../runtime/budget.js";
import { limiterOf, type RateLimiter } from "../../runtime/rate-limit.js";
import { toMillis, type StepConfig } from "../../runtime/config.js";
import type { PipelineDefinition, RuntimeStepContext } from "../../runtime/definition.js";
import {
  CheckpointMismatchError,
  PipelineDefinitionError,
  PipelineInputError,
  PipelineTimeoutError,
  StepExecutionError,
} from "../../runtime/errors.js";
import type { PipelineEvent } from "../../runtime/events.js";
import type { RunOptions } from "../../runtime/options.js";
import type { Checkpoint, PartialResult } from "../../runtime/result.js";
import { runPipeline, type UntypedResult } from "../../runtime/run.js";
import type { BatchInputs, BatchOptions, BatchOutcome, RunManyOptions } from "../batch.js";
import { RouteError } from "../errors.js";
import { runBatch, streamBatch } from "./batch.js";
import { isInternalFlow, runFlow, toPromise, type FlowResult, type Inherited, type InternalFlow } from "./flow.js";
import { mergeReports, partialOf, shiftEvent, withPartial } from "./report.js";
import { subFlowStep } from "./sub-step.js";

/** What `router()` was given, untyped. */
export interface RouterSpec {
  readonly input?: StandardSchemaV1 | undefined;
  readonly routes: Readonly<Record<string, unknown>>;
  readonly route: (input: unknown, ctx: RuntimeStepContext) => unknown;
  readonly fallback?: string | undefined;
  readonly config?: StepConfig | undefined;
}

/** Validates input against the router's schema (the same rules as a pipeline's). */
const validate = (router: string, schema: StandardSchemaV1 | undefined, input: unknown): Effect.Effect<unknown, PipelineInputError> => {
  if (schema === undefined) return Effect.succeed(input);
  const check = (outcome: StandardSchemaV1.Result<unknown>) =>
    outcome.issues === undefined ? Effect.succeed(outcome.value) : Effect.fail(new PipelineInputError({ pipeline: router, issues: outcome.issues }));
  return Effect.suspend(() => {
    const outcome = schema["~standard"].validate(input);
    return outcome instanceof Promise ? Effect.flatMap(Effect.promise(() => outcome), check) : check(outcome);
  });
};

/** How the routing step ended: the route to take, and the routing run's report. */
interface Decision {
  readonly route: string;
  readonly report: Omit<PartialResult, "checkpoint" | "outputs">;
}

/** The untyped router behind `router()`. */
/**
 * One limiter for the routing call and the route's run, when the rate is given
 * as a number. An invalid rate is passed on as given, for the routing run to
 * reject as a definition error.
 */
const sharedLimiter = (rateLimit: number | RateLimiter | undefined): number | RateLimiter | undefined => {
  try {
    return limiterOf(rateLimit);
  } catch {
    return rateLimit;
  }
};

export class RouterImpl implements InternalFlow {
  readonly routes: ReadonlyArray<string>;
  private readonly targets: ReadonlyMap<string, InternalFlow>;
  private readonly decision: PipelineDefinition;

  constructor(
    readonly name: string,
    private readonly spec: RouterSpec,
  ) {
    const problem = (text: string) => new PipelineDefinitionError({ pipeline: String(name), problem: text });
    if (typeof name !== "string" || name.length === 0) throw problem("a router needs a non-empty name.");
    if (typeof spec.route !== "function") throw problem("a router needs a `route` function that returns a route name.");
    const entries = Object.entries(spec.routes ?? {});
    if (entries.length === 0) throw problem("a router needs at least one route in `routes`.");
    for (const [route, target] of entries) {
      if (!isInternalFlow(target)) throw problem(`route "${route}" is not a pipeline or a router.`);
    }
    this.targets = new Map(entries as Array<[string, InternalFlow]>);
    this.routes = entries.map(([route]) => route);
    if (spec.fallback !== undefined && !this.targets.has(spec.fallback)) {
      throw problem(`its fallback "${spec.fallback}" is not one of its routes (${this.routes.join(", ")}).`);
    }
    const route = spec.route;
    this.decision = {
      name,
      input: undefined,
      steps: [
        {
          id: name,
          after: [],
          kind: "router",
          config: spec.config ?? {},
          when: undefined,
          run: (ctx) => route(ctx.input, ctx),
          routes: this.routes,
        },
      ],
      settings: {},
      defaults: [],
      overrides: [],
    };
  }

  toEffect(input: unknown, options?: RunOptions): Effect.Effect<FlowResult, unknown> {
    return this[runFlow](input, options ?? {}, {});
  }

  run(input: unknown, options?: RunOptions): Promise<FlowResult> {
    return toPromise(this.toEffect(input, options));
  }

  runMany(inputs: BatchInputs<unknown>, options?: RunManyOptions): Promise<Array<BatchOutcome<unknown, unknown>>> {
    return runBatch(inputs, options, (input, runOptions) => this.run(input, runOptions));
  }

  stream(inputs: BatchInputs<unknown>, options?: BatchOptions): AsyncIterableIterator<BatchOutcome<FlowResult, unknown>> {
    return streamBatch(inputs, options, (input, runOptions) => this.run(input, runOptions));
  }

  asStep(toInput?: (ctx: RuntimeStepContext) => unknown): (ctx: RuntimeStepContext) => Promise<unknown> {
    return subFlowStep(this, { kind: "router", pipeline: this.name, routes: this.routes }, toInput);
  }

  ownsCheckpoint(checkpoint: Checkpoint): boolean {
    return [...this.targets.values()].some((target) => target.ownsCheckpoint(checkpoint));
  }

  graph(): Graph {
    const config: { -readonly [K in keyof NodeConfig]: NodeConfig[K] } = {};
    const own = this.spec.config;
    if (own?.timeout !== undefined) config.timeoutMs = toMillis(own.timeout, `router "${this.name}" timeout`);
    if (own?.retries !== undefined) config.retries = own.retries;
    return { name: this.name, nodes: [{ id: this.name, kind: "router", after: [], config, routes: [...this.routes] }], edges: [] };
  }

  toMermaid(): string {
    return renderMermaid(this.graph());
  }

  [runFlow](input: unknown, options: RunOptions, inherited: Inherited): Effect.Effect<FlowResult, unknown> {
    return Effect.flatMap(validate(this.name, this.spec.input, input), (parsed) => {
      const resume = options.resume;
      if (resume !== undefined) return this.resumeRoute(parsed, resume, options, inherited);
      const started = performance.now();
      let budgets = options.budgets;
      if (options.costBudget !== undefined) {
        // One budget for routing and route together, not one each.
        budgets = [...(budgets ?? []), new BudgetScope({ limitUsd: options.costBudget, scope: "run" })];
      }
      const shared: RunOptions = { ...options, costBudget: undefined, budgets, rateLimit: sharedLimiter(options.rateLimit) };
      return Effect.flatMap(this.decide(parsed, shared, inherited), (decision) => {
        const offset = performance.now() - started;
        return this.runRoute(decision, parsed, shared, inherited, offset);
      });
    });
  }

  /** Runs the routing step and resolves the route, falling back when it fails or names no route. */
  private decide(parsed: unknown, options: RunOptions, inherited: Inherited): Effect.Effect<Decision, unknown> {
    const run = runPipeline(this.decision, parsed, {
      signal: options.signal,
      timeout: options.timeout,
      onEvent: options.onEvent,
      defaults: options.defaults,
      services: options.services,
      budgets: options.budgets,
      rateLimit: options.rateLimit,
      client: options.client ?? (inherited.client as RunOptions["client"]),
      pricing: inherited.pricing === undefined ? options.pricing : { ...inherited.pricing, ...options.pricing },
    });
    const fallback = (report: PartialResult, details: { returned?: unknown; cause?: unknown }): Effect.Effect<Decision, RouteError> =>
      this.spec.fallback === undefined
        ? Effect.fail(new RouteError({ router: this.name, routes: this.routes, ...details, partial: report }))
        : Effect.succeed({ route: this.spec.fallback, report });
    return Effect.matchEffect(run, {
      onFailure: (error): Effect.Effect<Decision, unknown> =>
        error instanceof StepExecutionError && error.stepId === this.name ? fallback(error.partial, { cause: error.cause }) : Effect.fail(error),
      onSuccess: (result: UntypedResult) => {
        const chosen = result.outputs[this.name];
        const report = { ...result, outputs: {} };
        return typeof chosen === "string" && this.targets.has(chosen)
          ? Effect.succeed<Decision>({ route: chosen, report })
          : fallback(report, { returned: chosen });
      },
    });
  }

  /** Runs the chosen route and merges the routing step's report into its result (or its error's partial). */
  private runRoute(
    decision: Decision,
    parsed: unknown,
    options: RunOptions,
    inherited: Inherited,
    offset: number,
  ): Effect.Effect<FlowResult, unknown> {
    const target = this.targets.get(decision.route)!;
    let timeout: number | undefined;
    if (options.timeout !== undefined) {
      const total = toMillis(options.timeout, "run timeout");
      timeout = total - offset;
      if (timeout <= 0) {
        return Effect.fail(
          new PipelineTimeoutError({ pipeline: this.name, timeoutMs: total, partial: { ...decision.report, outputs: {}, checkpoint: this.emptyCheckpoint() } }),
        );
      }
    }
    const onEvent = options.onEvent;
    const routeOptions: RunOptions = {
      ...options,
      timeout,
      onEvent: onEvent === undefined ? undefined : (event: PipelineEvent) => onEvent(shiftEvent(event, offset)),
    };
    return Effect.mapBoth(target[runFlow](parsed, routeOptions, inherited), {
      onSuccess: (result) => ({ ...mergeReports(decision.report, result, offset), route: decision.route }),
      onFailure: (error) => {
        const partial = partialOf(error);
        return partial === undefined ? error : withPartial(error, mergeReports(decision.report, partial, offset));
      },
    });
  }

  /** Resuming skips routing: the checkpoint says which route's pipeline made it. */
  private resumeRoute(parsed: unknown, resume: Checkpoint, options: RunOptions, inherited: Inherited): Effect.Effect<FlowResult, unknown> {
    const owner = typeof resume === "object" && resume !== null ? this.routes.find((route) => this.targets.get(route)!.ownsCheckpoint(resume)) : undefined;
    if (owner === undefined) {
      return Effect.fail(
        new CheckpointMismatchError({
          pipeline: this.name,
          problem: `it was made by pipeline "${String(resume?.pipeline)}", which is not the pipeline of any of its routes (${this.routes.join(", ")}).`,
        }),
      );
    }
    return Effect.map(this.targets.get(owner)![runFlow](parsed, options, inherited), (result) => ({ ...result, route: owner }));
  }

  private emptyCheckpoint(): Checkpoint {
    return { pipeline: this.name, steps: [], outputs: {} };
  }
}
