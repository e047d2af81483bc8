/**
 * The typed, immutable pipeline builder. It only records steps; running is
 * the runtime's job.
 */
import type { Effect } from "effect";
import type { Graph } from "../graph/graph.js";
import type { StepConfig } from "../runtime/config.js";
import type { StepContext } from "../agents/context.js";
import type { RunSettings } from "../runtime/definition.js";
import type { PipelineError } from "../runtime/errors.js";
import type { RunOptions } from "../runtime/options.js";
import type { RunResult } from "../runtime/result.js";
import type { BatchInputs, BatchKeep, BatchOptions, BatchOutcome, KeptResult, RunManyOptions } from "../flow/batch.js";
import type { AsStepArgs, FlowTypes, MissingOptionsArgs, MissingOptionsMessage, OptionsArgs, RequiringPromise, SubStepContext, SubStepReturn } from "../flow/types.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import { PipelineBuilder } from "./internal/builder.js";
import type {
  AfterIds,
  DepOutputs,
  Entry,
  IndexAfter,
  NewStepId,
  OutputIndex,
  ResultOutputs,
  SkippableIf,
  StepIds,
  StepOutput,
  StepRequirements,
  StopPayload,
} from "./types.js";

/**
 * Options of a step: which earlier steps it waits for, an optional condition,
 * and its {@link StepConfig}.
 */
export interface StepOptions<After, Condition> extends StepConfig {
  /** Earlier steps this one waits for; only these can be read with `ctx.dep`. */
  readonly after?: After;
  /** Runs the step only when this returns true; otherwise it is skipped and its dependents read it with `ctx.depOrUndefined`. */
  readonly when?: Condition;
}

/** Options of {@link pipeline}. */
export interface PipelineOptions<Schema extends StandardSchemaV1 | undefined = undefined> extends RunSettings {
  /** The input schema (any Standard Schema, e.g. zod 4). Input that fails it rejects with `PipelineInputError` before any step runs. */
  readonly input?: Schema;
  /** Step config every step starts from. */
  readonly defaults?: StepConfig | undefined;
}

/** What `configure` accepts: step defaults, per-step config by id, and run settings. */
export interface ConfigureOptions<Ids extends string> extends RunSettings {
  readonly defaults?: StepConfig | undefined;
  readonly steps?: { readonly [Id in Ids]?: StepConfig };
}

/**
 * A pipeline under construction, and runnable at every stage.
 *
 * @typeParam Input - what `run` accepts (the input schema's input type)
 * @typeParam Parsed - what steps see as `ctx.input` (the schema's output type)
 * @typeParam Outputs - each declared step's output, by id
 * @typeParam Output - the last declared step's output
 * @typeParam Services - the services `run` must be given
 * @typeParam Skippable - ids of steps with a `when` condition
 * @typeParam Stop - the payloads of `ctx.stop(...)` the steps can return
 * @typeParam Ids - the declared step ids
 * @typeParam Index - where steps look their dependencies' outputs up (see
 * {@link OutputIndex}); leave it out when writing the type: a pipeline without
 * one is searched whole
 * @typeParam Requirements - the Effect services (from Effect's `Context`) its
 * Effect steps require: `toEffect`'s Effect requires them, and `run` must be
 * given a `layer` or `runtime` providing them
 *
 * The type parameters carry variance annotations (`out`, `in out`), the
 * variances the compiler measured without them: measuring them cost every
 * new checker (every keystroke in an editor) about 16,000 instantiations and
 * 0.15 s under TypeScript 5.9 on the first `.step` call. `tsc` checks the
 * annotations against the declaration whenever this file is compiled.
 */
export interface Pipeline<
  out Input,
  out Parsed,
  out Outputs,
  out Output,
  in out Services,
  in out Skippable extends string = never,
  out Stop = never,
  in out Ids extends string = StepIds<Outputs>,
  out Index extends OutputIndex = OutputIndex,
  out Requirements = never,
> {
  readonly name: string;

  /** Phantom: what this pipeline carries in its types, for routers and sub-pipeline steps. Never set at run time. */
  readonly "~flow"?: FlowTypes<Input, Output, RunResult<ResultOutputs<Outputs, Skippable>, Output, Stop>, Services, Stop, Requirements>;

  /**
   * Adds a step with options: the earlier steps it waits for (`after`, ids
   * of earlier steps only, so a cycle cannot be written; it reads them with
   * `ctx.dep`), a condition, timeout, retries, ... Its output type is
   * inferred from `run`, which may return a value, a Promise or an Effect.
   *
   * One signature for every call with options, and it comes first, for the
   * editor: a mistake in the options is then reported on the mistaken token
   * (a misspelt id in `after`, with "Did you mean"), not as "No overload
   * matches this call" on `step`; and while the options are typed, before
   * `run` is written, the editor completes them from this signature (the
   * ids in `after`, the option names). With no `after`, `After` is `[]`:
   * nothing to read, and `ctx` is still typed for `agent.asStep((ctx) => …)`.
   *
   * @example
   * ```ts
   * pipeline<{ text: string }>("p")
   *   .step("words", (ctx) => ctx.input.text.split(" "))
   *   .step("count", { after: ["words"], timeout: "1 second" }, (ctx) => ctx.dep("words").length);
   * ```
   *
   * @typeParam Earlier - the outputs of the steps declared so far: `Outputs`,
   * inferred from `this` (and `EarlierIndex`, `Index`, likewise). Written as
   * `Outputs`, the map would already be substituted into this signature, and
   * the compiler would re-instantiate it member by member each time it
   * instantiates a type holding the call's own type parameters (the return
   * type, `ctx`, …): several walks over every earlier step, per step. As a
   * type parameter of the call it is substituted whole (see bench/typecheck).
   *
   * `ctx` is typed `NoInfer<…>`: nothing is inferred from it (`After` comes
   * from `options`, `Returned` from what `run` returns). Without it the
   * compiler inferred from `run`'s `ctx` back into `AfterIds<After>` and
   * compared the ids' apparent type (`String`, some 50 members) with every
   * earlier id, one new union per step: quadratic, 40% of the check time of
   * a 300-step chain (bench/README.md, "Editor latency", session 6).
   */
  step<
    Earlier,
    EarlierIndex extends OutputIndex,
    Id extends string,
    Returned,
    const After extends ReadonlyArray<Ids> = [],
    Condition extends boolean = never,
  >(
    this: Pipeline<Input, Parsed, Earlier, Output, Services, Skippable, Stop, Ids, EarlierIndex, Requirements>,
    id: NewStepId<Id, Ids>,
    options: StepOptions<After, (ctx: NoInfer<StepContext<Parsed, DepOutputs<Earlier, EarlierIndex, AfterIds<After>>, AfterIds<After>, Services, Skippable>>) => Condition>,
    run: (ctx: NoInfer<StepContext<Parsed, DepOutputs<Earlier, EarlierIndex, AfterIds<After>>, AfterIds<After>, Services, Skippable>>) => Returned,
  ): Pipeline<
    Input,
    Parsed,
    Earlier & Entry<Id, StepOutput<Returned>>,
    StepOutput<Returned>,
    Services,
    Skippable | SkippableIf<Condition, Id>,
    Stop | StopPayload<Returned>,
    Ids | Id,
    IndexAfter<EarlierIndex, Earlier & Entry<Id, StepOutput<Returned>>, Entry<Id, StepOutput<Returned>>>,
    Requirements | StepRequirements<Returned>
  >;

  /**
   * Adds a step with no dependencies and no options.
   *
   * @example
   * ```ts
   * pipeline<{ text: string }>("p").step("words", (ctx) => ctx.input.text.split(" "));
   * ```
   */
  step<Earlier, EarlierIndex extends OutputIndex, Id extends string, Returned>(
    this: Pipeline<Input, Parsed, Earlier, Output, Services, Skippable, Stop, Ids, EarlierIndex, Requirements>,
    id: NewStepId<Id, Ids>,
    run: (ctx: StepContext<Parsed, {}, never, Services, Skippable>) => Returned,
  ): Pipeline<
    Input,
    Parsed,
    Earlier & Entry<Id, StepOutput<Returned>>,
    StepOutput<Returned>,
    Services,
    Skippable,
    Stop | StopPayload<Returned>,
    Ids | Id,
    IndexAfter<EarlierIndex, Earlier & Entry<Id, StepOutput<Returned>>, Entry<Id, StepOutput<Returned>>>,
    Requirements | StepRequirements<Returned>
  >;

  /**
   * Declares the application services steps read from `ctx.services`; `run`
   * then requires them.
   *
   * @example
   * ```ts
   * pipeline<{ id: string }>("p")
   *   .withServices<{ db: { find(id: string): Promise<string> } }>()
   *   .step("load", (ctx) => ctx.services.db.find(ctx.input.id));
   * ```
   */
  withServices<Required extends object>(): Pipeline<Input, Parsed, Outputs, Output, Required, Skippable, Stop, Ids, Index, Requirements>;

  /**
   * Returns a pipeline with more configuration: step defaults, per-step
   * config by id (a misspelt id is a type error) and run settings.
   *
   * @example
   * ```ts
   * const slow = p.configure({ steps: { count: { timeout: "5 seconds", retries: 2 } } });
   * ```
   */
  configure(config: ConfigureOptions<Ids>): Pipeline<Input, Parsed, Outputs, Output, Services, Skippable, Stop, Ids, Index, Requirements>;

  /**
   * Runs the pipeline. Resolves with every step's output (or, when a step
   * returned `ctx.stop(...)`, with `status: "stopped"`); rejects with a
   * {@link PipelineError} (`StepExecutionError`, `PipelineInputError`,
   * `PipelineTimeoutError`, `PipelineCancelledError`, ...).
   *
   * When Effect steps require Effect services (`Requirements`), the options
   * must provide them: `{ layer }` (built for this run) or `{ runtime }` (a
   * `ManagedRuntime`, shared by every run given it).
   *
   * @example
   * ```ts
   * const result = await quote.run({ sku: "pen", quantity: 3 }, { layer: CatalogLive });
   * ```
   */
  run(...missing_options: MissingOptionsArgs<"run", Services, Requirements>): MissingOptionsMessage<"run", Services, Requirements>;
  run(
    input: Input,
    ...options_with_services_or_layer: OptionsArgs<RunOptions<Services, Ids>, Services, Requirements>
  ): Promise<RunResult<ResultOutputs<Outputs, Skippable>, Output, Stop>>;

  /**
   * The run as an Effect with typed errors, to compose inside Effect
   * programs; it requires the Effect services its Effect steps require
   * (`Requirements`), which the caller provides. `run` is this Effect run as
   * a Promise.
   *
   * @example
   * ```ts
   * const result = await Effect.runPromise(Effect.provide(quote.toEffect({ sku: "book", quantity: 2 }), CatalogLive));
   * ```
   */
  toEffect(...missing_options: MissingOptionsArgs<"toEffect", Services>): MissingOptionsMessage<"toEffect", Services>;
  toEffect(
    input: Input,
    ...options_with_services: OptionsArgs<RunOptions<Services, Ids>, Services>
  ): Effect.Effect<RunResult<ResultOutputs<Outputs, Skippable>, Output, Stop>, PipelineError, Requirements>;

  /**
   * Runs the pipeline once per input, `concurrency` runs at a time (default
   * 10), and resolves to one outcome per input in input order:
   * `{ ok: true, index, result }` or `{ ok: false, index, error }`. A failed
   * input does not stop the batch unless `stopOnError` is set.
   *
   * Inputs may be an array, any iterable or an async iterable; they are
   * pulled only as runs finish, so at most `concurrency` are held at once.
   * When the batch stops early (`stopOnError`, its `costBudget`, its
   * `signal`), no further input is pulled, runs in flight are interrupted and
   * reported as failed, and the outcomes end with the last input started.
   * The outcomes are kept until the batch ends: with `keep: "output"` each
   * keeps only its status and output (tens of bytes instead of the ~2 KB of
   * a full result with its trace), and {@link Pipeline.runEach} keeps nothing.
   *
   * @example
   * ```ts
   * const outcomes = await p.runMany(documents, { concurrency: 20, onProgress: (p) => console.log(p.done) });
   * for (const outcome of outcomes) if (!outcome.ok) console.error(outcome.index, outcome.error.message);
   * ```
   */
  runMany(...missing_options: MissingOptionsArgs<"runMany", Services, Requirements, "inputs">): MissingOptionsMessage<"runMany", Services, Requirements, "inputs">;
  runMany<Keep extends BatchKeep = "result">(
    inputs: BatchInputs<Input>,
    ...options_with_services_or_layer: OptionsArgs<RunManyOptions<Services, Ids, Keep>, Services, Requirements>
  ): Promise<Array<BatchOutcome<KeptResult<RunResult<ResultOutputs<Outputs, Skippable>, Output, Stop>, Keep>, PipelineError>>>;

  /**
   * Like {@link Pipeline.runMany}, but yields each outcome as its run finishes
   * (completion order; `index` says which input it was). Iterating starts the
   * batch; a slow reader slows the pulling of inputs, and leaving the loop
   * early stops the batch and interrupts the runs in flight. Nothing is kept
   * after it is yielded, so memory stays flat however many inputs there are.
   *
   * @example
   * ```ts
   * for await (const outcome of p.runEach(readLines("inputs.jsonl"), { concurrency: 50 })) {
   *   if (outcome.ok) await save(outcome.index, outcome.result.output);
   * }
   * ```
   */
  runEach(...missing_options: MissingOptionsArgs<"runEach", Services, Requirements, "inputs">): MissingOptionsMessage<"runEach", Services, Requirements, "inputs">;
  runEach(
    inputs: BatchInputs<Input>,
    ...options_with_services_or_layer: OptionsArgs<BatchOptions<Services, Ids>, Services, Requirements>
  ): AsyncIterableIterator<BatchOutcome<RunResult<ResultOutputs<Outputs, Skippable>, Output, Stop>, PipelineError>>;

  /**
   * The old name of {@link Pipeline.runEach}, kept for one release.
   *
   * @deprecated Use `runEach`: `stream` also names `ctx.stream`, which streams a model's text.
   */
  stream(
    inputs: BatchInputs<Input>,
    ...options_with_services_or_layer: OptionsArgs<BatchOptions<Services, Ids>, Services, Requirements>
  ): AsyncIterableIterator<BatchOutcome<RunResult<ResultOutputs<Outputs, Skippable>, Output, Stop>, PipelineError>>;

  /**
   * This whole pipeline as one step of another: pass the result to `.step`.
   * `toInput` builds this pipeline's input from the step's context (typed by
   * the surrounding `.step`, so `ctx.dep` sees its `after` ids); the step's
   * output is this pipeline's output.
   *
   * The sub-run gets the step's signal (interrupting the step interrupts it),
   * services and budgets; its usage counts under the step in the parent's
   * usage; its events appear in the parent's trace as `"<step>/<sub-step>"`.
   * If it stops early, the parent stops too, with the same payload (resuming
   * the parent runs the sub-pipeline again from its start). If it fails, the
   * step fails with its error.
   *
   * @example
   * ```ts
   * const enrich = pipeline<{ text: string }>("enrich").step("tags", (ctx) => ctx.input.text.split(" "));
   * pipeline<{ doc: string }>("doc")
   *   .step("classify", (ctx) => (ctx.input.doc.length > 100 ? "long" : "short"))
   *   .step("enrich", { after: ["classify"] }, enrich.asStep((ctx) => ({ text: `${ctx.dep("classify")}: ${ctx.input.doc}` })));
   * ```
   */
  asStep<Ctx extends SubStepContext<Services>>(...toInput: AsStepArgs<Ctx, Input>): (ctx: Ctx) => RequiringPromise<SubStepReturn<Output, Stop>, Requirements>;

  /** The step graph: nodes in declaration order and their dependency edges. */
  graph(): Graph;

  /** The step graph as a Mermaid flowchart, with steps that can run in parallel grouped. */
  toMermaid(): string;
}

/**
 * Starts a pipeline whose input is checked by a Standard Schema (zod 4,
 * Valibot, ArkType, Effect Schema, ...).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const p = pipeline("doc", { input: z.object({ document: z.string() }) })
 *   .step("words", (ctx) => ctx.input.document.split(" "));
 * const result = await p.run({ document: "Apple announced a chip" });
 * ```
 */
export function pipeline<Schema extends StandardSchemaV1>(
  name: string,
  options: PipelineOptions<Schema> & { readonly input: Schema },
): Pipeline<StandardSchemaV1.InferInput<Schema>, StandardSchemaV1.InferOutput<Schema>, {}, void, {}, never, never, never, [{}, {}, []]>;
/**
 * Starts a pipeline whose input type is given as a type argument (or is
 * `void`: then `run()` takes no input).
 *
 * @example
 * ```ts
 * const p = pipeline<{ text: string }>("shout").step("upper", (ctx) => ctx.input.text.toUpperCase());
 * ```
 */
export function pipeline<Input = void>(name: string, options?: PipelineOptions): Pipeline<Input, Input, {}, void, {}, never, never, never, [{}, {}, []]>;
export function pipeline(
  name: string,
  options: PipelineOptions<StandardSchemaV1 | undefined> = {},
): Pipeline<unknown, unknown, {}, void, {}> {
  return PipelineBuilder.create(name, options) as unknown as Pipeline<unknown, unknown, {}, void, {}>;
}
