/**
 * What a run inherits from its caller, and the one function that decides it.
 *
 * A run is started by a caller (`p.run`, a batch, a sub-pipeline step, a
 * router's chosen route) that may itself be part of a run. Everything the run
 * takes from outside its own definition is resolved once, here, into a
 * {@link RunEnv}: its steps read it, its model calls are paced and charged by
 * it, and a run nested inside it inherits from it.
 */
import type * as Context from "effect/Context";
import type OpenAI from "openai";
import { toMillis } from "../graph/duration.js";
import { BudgetScope } from "./budget.js";
import { wholeNumber } from "./config.js";
import type { RunSettings } from "./definition.js";
import type { BudgetScopeKind } from "./errors.js";
import type { PipelineEvent } from "./events.js";
import type { StepJournal } from "./journal.js";
import type { RunRecord } from "./record.js";
import type { RunOptions } from "./options.js";
import type { PriceTable } from "./prices.js";
import { checkHooks, concatHooks, hookList, type CallHooks } from "./hooks.js";
import { limiterOf, type RateLimiter } from "./rate-limit.js";
import type { Telemetry } from "./telemetry.js";

/** The run and step a nested run belongs to. */
export interface ParentLink {
  /** The parent run's record: the nested run's events and usage are added to it. */
  readonly record: RunRecord;
  /** The parent's step that runs the nested run: its id prefixes the nested run's step ids. */
  readonly stepId: string;
}

/** Everything a run inherits from its caller. */
export interface RunEnv {
  /** Aborting it interrupts the run. */
  readonly signal: AbortSignal | undefined;
  readonly services: unknown;
  /** When (on `performance.now()`'s clock) the run or a run around it must end; no retry starts that could not begin before it. */
  readonly deadline: number | undefined;
  /** Every budget the run's model calls are charged to: its own, the ones it was given, its parents'. */
  readonly budgets: ReadonlyArray<BudgetScope>;
  readonly limiter: RateLimiter | undefined;
  readonly client: OpenAI | undefined;
  readonly pricing: PriceTable | undefined;
  /** The hooks of every model request of the run, outermost first (see {@link envOf}). */
  readonly hooks: ReadonlyArray<CallHooks>;
  /** Where the run's events go besides its trace. */
  readonly onEvent: ((event: PipelineEvent) => void) | undefined;
  readonly parent: ParentLink | undefined;
  /** The journal of the durable run this run is nested in, scoped to the step it runs in (see runtime/journal.ts). */
  readonly journal: StepJournal | undefined;
  /** Where the run's span opens: the span of the step around it for a nested run, else the run's `telemetry`. */
  readonly telemetry: Telemetry | undefined;
  /**
   * The Effect services a run started as a Promise gives its Effect steps (a
   * batch's, from the `layer` or `runtime` it was given). A run started as an
   * Effect gives them the context that Effect runs in instead.
   */
  readonly effects: Context.Context<never> | undefined;
}

/** What {@link envOf} decides for one run: its environment, and the limits the run enforces itself. */
export interface ResolvedRun {
  readonly env: RunEnv;
  /** How long the run may take from now, when it was given a `timeout` (or inherited a nearer deadline): it then fails with `PipelineTimeoutError`. */
  readonly timeoutMs: number | undefined;
  readonly maxConcurrency: number | undefined;
  readonly failFast: boolean;
}

const NO_BUDGETS: ReadonlyArray<BudgetScope> = [];
const NO_HOOKS: ReadonlyArray<CallHooks> = [];

const mergePrices = (outer: PriceTable | undefined, middle: PriceTable | undefined, inner: PriceTable | undefined): PriceTable | undefined =>
  outer === undefined && middle === undefined && inner === undefined ? undefined : { ...outer, ...middle, ...inner };

/**
 * Resolves one run's environment from its own `options`, its pipeline's
 * `settings` (`pipeline(name, …)` and `configure`) and what it `inherited`
 * from the run or batch around it. This is the only place precedence is
 * decided; the levels, least specific first, are inherited < settings <
 * options (an agent's own `client` and `pricing` are more specific still):
 *
 * - `client`: the most specific one set. `pricing`: all tables merged, the
 *   most specific price of a model winning.
 * - `services`, `signal`, the rate limiter, `onEvent`: the run's option, else the inherited one.
 * - budgets: the run's own (`costBudget` option, else setting), then the
 *   `budgets` option, then every inherited one: a call is charged to all.
 * - deadline: the nearer of the inherited deadline and `timeout` from now.
 * - `maxConcurrency`, `failFast`: the option, else the setting (not inherited).
 * - `hooks`: all apply, outermost first: the inherited ones (a parent
 *   run's, so they see a nested run's requests too), the option's, the
 *   setting's (an agent's own run after them, in agents/internal/hooks.ts).
 * - `telemetry`: for a nested run in a traced parent, the parent's (`nest`
 *   passes the span of the step that runs it), since a nested run's spans
 *   belong in its parent's trace; else the option, else the setting, else
 *   the inherited one (the caller's Effect tracer around `toEffect`).
 *
 * Throws a TypeError naming the bad value when an option is invalid; the caller reports it as a definition error.
 */
export const envOf = (
  options: RunOptions,
  settings: RunSettings,
  inherited: RunEnv | undefined,
  budgetKind: BudgetScopeKind = "run",
): ResolvedRun => {
  checkHooks(options.hooks, "run options");
  const limiter = limiterOf(options.rateLimit) ?? inherited?.limiter;
  const costBudget = options.costBudget ?? settings.costBudget;
  const own = costBudget === undefined ? undefined : new BudgetScope({ limitUsd: costBudget, scope: budgetKind });
  const given = options.budgets ?? NO_BUDGETS;
  const outer = inherited?.budgets ?? NO_BUDGETS;
  const budgets = own === undefined && given.length === 0 ? outer : [...(own === undefined ? [] : [own]), ...given, ...outer];
  const timeout = options.timeout === undefined ? undefined : toMillis(options.timeout, "run timeout");
  const now = timeout === undefined ? 0 : performance.now();
  const deadline = timeout === undefined ? inherited?.deadline : Math.min(now + timeout, inherited?.deadline ?? Number.POSITIVE_INFINITY);
  return {
    env: {
      signal: options.signal ?? inherited?.signal,
      services: options.services ?? inherited?.services ?? {},
      deadline,
      budgets,
      limiter,
      client: options.client ?? settings.client ?? inherited?.client,
      pricing: mergePrices(inherited?.pricing, settings.pricing, options.pricing),
      hooks: concatHooks(inherited?.hooks ?? NO_HOOKS, hookList(options.hooks), hookList(settings.hooks)),
      onEvent: options.onEvent ?? inherited?.onEvent,
      parent: inherited?.parent,
      journal: inherited?.journal,
      telemetry:
        inherited?.parent !== undefined && inherited.telemetry !== undefined
          ? inherited.telemetry
          : (options.telemetry ?? settings.telemetry ?? inherited?.telemetry),
      effects: inherited?.effects,
    },
    // The run's own timeout exactly when it is the nearer deadline ((now + t) - now need not be t in floating point).
    timeoutMs: timeout === undefined || deadline === undefined ? undefined : deadline === now + timeout ? timeout : deadline - now,
    maxConcurrency: wholeNumber(options.maxConcurrency ?? settings.maxConcurrency, 1, "maxConcurrency"),
    failFast: options.failFast ?? settings.failFast ?? false,
  };
};

/** What a run inherits when nothing is around it: the base the helpers below build on. */
export const emptyEnv: RunEnv = {
  signal: undefined,
  services: undefined,
  deadline: undefined,
  budgets: NO_BUDGETS,
  limiter: undefined,
  client: undefined,
  pricing: undefined,
  hooks: NO_HOOKS,
  onEvent: undefined,
  parent: undefined,
  journal: undefined,
  telemetry: undefined,
  effects: undefined,
};

/**
 * What a top-level run started inside a caller's Effect inherits: nothing
 * but where its spans go (the caller's tracer, under the caller's span).
 */
export const tracedEnv = (telemetry: Telemetry): RunEnv => ({ ...emptyEnv, telemetry });
