/**
 * The runtime side of `router()`: a Flow whose run is its routing step
 * followed by the chosen route, nested under the route's name.
 *
 * The routing step is a one-step pipeline whose step is the router's `route`
 * function, so it gets a real step context (signal, services, agent calls),
 * a trace, usage, retries and a timeout like any step. It runs into the
 * router's own record, so its events keep the router's name as their step
 * id. The chosen route then runs nested (runtime/nest.ts): its events show as
 * `"<route>/<step>"`, its usage under the route's name. The router's result
 * is the route's (status, outputs, output, checkpoint) with the router's
 * usage, trace and timing, and the route's name.
 */
import { runJournalled, startJournalled } from "../../runtime/durable-run.js";
import type { DurableTarget } from "../../runtime/options.js";
import * as Effect from "effect/Effect";
import { toMillis } from "../../graph/duration.js";
import type { StepFacts } from "../../graph/facts.js";
import type { Graph } from "../../graph/graph.js";
import { nodeConfigOf } from "../../graph/node-config.js";
import type { StepConfig } from "../../runtime/config.js";
import type { PipelineDefinition, RuntimeStepContext } from "../../runtime/definition.js";
import { envOf, type RunEnv } from "../../runtime/env.js";
import { CheckpointMismatchError, isRunFailure, PipelineDefinitionError, StepExecutionError } from "../../runtime/errors.js";
import type { Flow } from "../../runtime/flow.js";
import { validateInput } from "../../runtime/input.js";
import type { RunRecord } from "../../runtime/record.js";
import { nest } from "../../runtime/nest.js";
import type { RunOptions } from "../../runtime/options.js";
import type { Checkpoint, PartialResult, RunTiming, UntypedResult } from "../../runtime/result.js";
import { finishing, recordOf, runPipeline, runToPromise } from "../../runtime/run.js";
import type { StandardSchemaV1 } from "../../schema/standard-schema.js";
import type OpenAI from "openai";
import { isConfigurationError } from "../../agents/internal/errors.js";
import type { PriceTable } from "../../runtime/prices.js";
import { RouteError, type RouteFallback } from "../errors.js";
import { isRunnable } from "../runnable.js";

/** What `router()` was given, untyped. */
export interface RouterSpec {
  readonly input?: StandardSchemaV1 | undefined;
  readonly routes: Readonly<Record<string, unknown>>;
  readonly route: (input: unknown, ctx: RuntimeStepContext) => unknown;
  readonly fallback?: string | undefined;
  readonly config?: StepConfig | undefined;
  readonly client?: OpenAI | undefined;
  readonly pricing?: PriceTable | undefined;
}

/** How the routing step ended: the route to take (the routing step's timing, and why it is the fallback if it is), or the error to end with. */
type Decision = { readonly route: string; readonly timing: RunTiming; readonly fallback?: RouteFallback } | { readonly error: unknown };

/** The configuration error a failure comes from, if any: the error itself, or one of its causes (a `route` function may wrap what `ctx.run` threw). */
const configurationCause = (error: unknown): unknown => {
  let current = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (isConfigurationError(current) || current instanceof PipelineDefinitionError) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
};

/**
 * The options a router's run passes to the route it chose: its own run
 * options but for what the route inherits from the router's environment
 * instead (signal, services, events, budgets, rate limit, hooks: which it
 * would otherwise run twice).
 */
const routeOptionsOf = (options: RunOptions): RunOptions => {
  const { signal: _signal, services: _services, onEvent: _onEvent, budgets: _budgets, costBudget: _costBudget, rateLimit: _rateLimit, hooks: _hooks, ...own } =
    options;
  return own;
};

export class RouterFlow implements Flow {
  readonly routes: ReadonlyArray<string>;
  readonly facts: StepFacts;
  private readonly targets: ReadonlyMap<string, Flow>;
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
    const targets = new Map<string, Flow>();
    for (const [route, target] of entries) {
      if (!isRunnable(target)) throw problem(`route "${route}" is not a pipeline or a router.`);
      if (route === name) throw problem(`route "${route}" has the router's own name; the route's steps show as "${route}/<step>" beside the routing step "${name}", so give one of them another name.`);
      targets.set(route, target.flowOf());
    }
    this.targets = targets;
    this.routes = entries.map(([route]) => route);
    if (spec.fallback !== undefined && !this.targets.has(spec.fallback)) {
      throw problem(`its fallback "${spec.fallback}" is not one of its routes (${this.routes.join(", ")}).`);
    }
    this.facts = { kind: "router", pipeline: name, routes: this.routes };
    const route = spec.route;
    this.decision = {
      name,
      input: undefined,
      steps: [{ id: name, after: [], kind: "router", config: spec.config ?? {}, when: undefined, run: (ctx) => route(ctx.input, ctx), routes: this.routes }],
      settings: {},
      defaults: [],
      overrides: [],
    };
  }

  owns(checkpoint: Checkpoint): boolean {
    return [...this.targets.values()].some((target) => target.owns(checkpoint));
  }

  /** A graph of one router node listing the routes; of its config, only the routing step's timeout and retries. */
  graph(): Graph {
    const own = this.spec.config;
    const timeoutMs = own?.timeout === undefined ? undefined : toMillis(own.timeout, `router "${this.name}" timeout`);
    const config = nodeConfigOf({ timeoutMs, retries: own?.retries });
    return { name: this.name, nodes: [{ id: this.name, kind: "router", after: [], config, routes: [...this.routes] }], edges: [] };
  }

  start(input: unknown, options: RunOptions, inherited: RunEnv | undefined): Promise<UntypedResult> {
    if (options.durable !== undefined) return startJournalled(this.journalTarget(), input, options, inherited, (i, o, e) => this.runOnce(i, o, e));
    return runToPromise(this.runOnce(input, options, inherited), inherited?.effects);
  }

  run(input: unknown, options: RunOptions, inherited: RunEnv | undefined): Effect.Effect<UntypedResult, unknown> {
    if (options.durable !== undefined) return runJournalled(this.journalTarget(), input, options, inherited, (i, o, e) => this.runOnce(i, o, e));
    return this.runOnce(input, options, inherited);
  }

  /** A durable router's shape: its routing step, then its routes, each after it. */
  journalTarget(): DurableTarget {
    return { name: this.name, shape: [{ id: this.name, after: [] }, ...this.routes.map((route) => ({ id: route, after: [this.name] }))] };
  }

  private runOnce(input: unknown, options: RunOptions, inherited: RunEnv | undefined): Effect.Effect<UntypedResult, unknown> {
    return Effect.suspend(() => {
      let env: RunEnv;
      try {
        // One environment for the routing step and the route: one budget, one limiter, one signal.
        env = envOf(options, { client: this.spec.client, pricing: this.spec.pricing }, inherited).env;
      } catch (error) {
        return Effect.fail(new PipelineDefinitionError({ pipeline: this.name, problem: error instanceof Error ? error.message : String(error) }));
      }
      const record = recordOf(this.name, "router", env);
      const run = Effect.flatMap(validateInput(this.name, this.spec.input, input), (parsed) => {
        const resume = options.resume;
        if (resume !== undefined) return this.resumeRoute(parsed, resume, options, env, record);
        return Effect.flatMap(this.decide(parsed, options, env, record), (decided) =>
          "error" in decided ? Effect.fail(decided.error) : this.runRoute(decided.route, parsed, options, env, record, decided.timing, decided.fallback),
        );
      });
      return finishing(record, env, run);
    });
  }

  /**
   * Runs the routing step into the router's record and resolves the route,
   * falling back when it fails or names no route; a failure for a
   * configuration reason rejects instead, since a fallback would hide it
   * (every input would silently take the fallback route).
   */
  private decide(parsed: unknown, options: RunOptions, env: RunEnv, record: RunRecord): Effect.Effect<Decision, unknown> {
    const routing = runPipeline(this.decision, parsed, { defaults: options.defaults, timeout: options.timeout }, env, record);
    const routeError = (partial: PartialResult, details: { returned?: unknown; cause?: unknown; fallback?: string }): Decision => ({
      error: new RouteError({ router: this.name, routes: this.routes, ...details, partial }),
    });
    const fallback = (partial: PartialResult, why: RouteFallback): Decision => {
      if (this.spec.fallback !== undefined) return { route: this.spec.fallback, timing: partial.timing, fallback: why };
      return routeError(partial, why.reason === "error" ? { cause: why.error } : { returned: why.returned });
    };
    return Effect.matchEffect(routing, {
      onFailure: (error) => {
        if (!(error instanceof StepExecutionError) || error.stepId !== this.name) return Effect.fail(error);
        const configuration = configurationCause(error.cause);
        if (configuration !== undefined) {
          return Effect.succeed(routeError(error.partial, { cause: error.cause, ...(this.spec.fallback === undefined ? {} : { fallback: this.spec.fallback }) }));
        }
        return Effect.succeed(fallback(error.partial, { reason: "error", error: error.cause }));
      },
      onSuccess: (result) => {
        const chosen = result.outputs[this.name];
        return Effect.succeed(
          typeof chosen === "string" && this.targets.has(chosen)
            ? { route: chosen, timing: result.timing }
            : fallback({ ...result, outputs: {} }, { reason: "unknownRoute", returned: chosen }),
        );
      },
    });
  }

  /** Runs the chosen route nested under its name, and reports it as the router's run (or its error with the router's report). */
  private runRoute(
    route: string,
    parsed: unknown,
    options: RunOptions,
    env: RunEnv,
    record: RunRecord,
    routingTiming: RunTiming | undefined,
    fallback?: RouteFallback,
  ): Effect.Effect<UntypedResult, unknown> {
    const start = record.now();
    const report = () => {
      record.closeOpen();
      const end = record.now();
      return {
        usage: record.ledger.snapshot(),
        trace: [...record.trace],
        timing: { startedAt: record.startedAt, durationMs: end, steps: { ...routingTiming?.steps, [route]: { start, end, durationMs: end - start } } },
      };
    };
    // A durable router journals the route's steps under the route's name.
    const parent = env.journal === undefined ? env : { ...env, journal: env.journal.nested(route) };
    return Effect.mapBoth(nest(this.targets.get(route)!, parsed, routeOptionsOf(options), parent, record, route), {
      onSuccess: ({ fallback: _nested, ...result }): UntypedResult => ({ ...result, ...report(), trace: record.trace, route, ...(fallback === undefined ? {} : { fallback }) }),
      onFailure: (error) => (isRunFailure(error) && error.partial !== undefined ? error.withPartial({ ...error.partial, ...report() }) : error),
    });
  }

  /** Resuming skips routing: the checkpoint says which route's pipeline made it. */
  private resumeRoute(parsed: unknown, resume: Checkpoint, options: RunOptions, env: RunEnv, record: RunRecord): Effect.Effect<UntypedResult, unknown> {
    const owner = typeof resume === "object" && resume !== null ? this.routes.find((route) => this.targets.get(route)!.owns(resume)) : undefined;
    if (owner === undefined) {
      return Effect.fail(
        new CheckpointMismatchError({
          pipeline: this.name,
          problem: `it was made by pipeline "${String(resume?.pipeline)}", which is not the pipeline of any of its routes (${this.routes.join(", ")}).`,
        }),
      );
    }
    return this.runRoute(owner, parsed, options, env, record, undefined);
  }
}
