/**
 * Reads one `.step(id, fn)` or `.step(id, { after, when, ...config }, fn)`
 * call: its id, dependencies, config, and what kind of work `fn` is (an
 * agent's or a sub-pipeline's `asStep()`, or a plain function).
 */
import { Node, type CallExpression, type PropertyAccessExpression } from "ts-morph";
import { findDefinitionProblem, type NodeKind } from "../../src/graph/graph.js";
import { snippet, type AnalysisContext, type BuilderEvaluator } from "./context.js";
import type { PipelineValue, RouterValue, StaticConfig, StaticStep } from "./model.js";
import { entryValue, objectEntries, readStepConfig, type OptionEntry } from "./options.js";
import { followConstant, unwrap } from "./values.js";

interface StepFunctionFacts {
  readonly kind: NodeKind;
  readonly model?: string;
  readonly target?: PipelineValue | RouterValue;
  /** The step runs something whose shape is not fully known, so the pipeline's graph is not either. */
  readonly incomplete?: boolean;
}

/** What the step function is: `x.asStep(...)` of an agent, pipeline or router, or a plain step. */
const readStepFunction = (ctx: AnalysisContext, input: Node, what: string, evaluateBuilder: BuilderEvaluator): StepFunctionFacts => {
  const followed = followConstant(ctx, input);
  const node = "node" in followed ? followed.node : unwrap(input);
  if (!Node.isCallExpression(node)) return { kind: "step" };
  const callee = unwrap(node.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "asStep") return { kind: "step" };
  const target = evaluateBuilder(ctx, callee.getExpression());
  if (target === undefined) {
    ctx.warn(callee.getExpression(), `${what}: cannot tell statically what \`${snippet(callee.getExpression())}\` is; the step is documented as a plain step.`);
    return { kind: "step" };
  }
  if (target.kind === "agent") return target.model === undefined ? { kind: "agent" } : { kind: "agent", model: target.model };
  const incomplete = target.name === "" || (target.kind === "router" && !target.complete);
  return { kind: target.kind, target, incomplete };
};

/** Whether `when` makes the step conditional: any value but `undefined`. */
const readCondition = (ctx: AnalysisContext, entry: OptionEntry | undefined, what: string): boolean => {
  if (entry === undefined) return false;
  const value = entryValue(ctx, entry);
  if (value.ok) return value.value !== undefined;
  const type = entry.node.getType();
  if (!type.isUndefined() && !type.isNullable() && type.getCallSignatures().length > 0) return true;
  ctx.warn(value.node, `${what}: cannot tell statically whether \`when\` is set (${value.reason}); the step is documented as unconditional.`);
  return false;
};

/**
 * The pipeline after `base.step(...)`. A step whose id or `after` list is not
 * known makes the pipeline incomplete (and undocumented), with a warning.
 * What an `x.asStep(...)` step function runs is evaluated with `evaluateBuilder`.
 */
export const addStep = (
  ctx: AnalysisContext,
  base: PipelineValue,
  call: CallExpression,
  callee: PropertyAccessExpression,
  evaluateBuilder: BuilderEvaluator,
): PipelineValue => {
  const pipelineName = `pipeline "${base.name || "?"}"`;
  const fail = (node: Node, problem: string): PipelineValue => {
    ctx.warn(node, `${pipelineName}: ${problem}; the pipeline is not documented.`);
    return { ...base, complete: false };
  };
  const args = call.getArguments();
  const spread = args.find((argument) => Node.isSpreadElement(argument));
  if (spread !== undefined) return fail(spread, `\`.step\` arguments are spread (\`${snippet(spread)}\`), so they are not statically known`);
  const [idNode, optionsNode, runNode] = args;
  if (idNode === undefined || optionsNode === undefined || args.length > 3) return fail(call, "`.step` needs an id, optional options and a function");
  const id = entryValue(ctx, { node: idNode });
  if (!id.ok) return fail(id.node, `a step id is not statically known (${id.reason})`);
  if (typeof id.value !== "string") return fail(idNode, `a step id should be a string, got ${JSON.stringify(id.value)}`);
  const what = `${pipelineName}, step "${id.value}"`;

  let after: ReadonlyArray<string> = [];
  let config: StaticConfig = {};
  let conditional = false;
  if (runNode !== undefined) {
    const entries = objectEntries(ctx, optionsNode);
    if (!entries.ok) return fail(entries.node, `the options of step "${id.value}" are not statically known (${entries.reason})`);
    const afterEntry = entries.entries.get("after");
    if (afterEntry !== undefined) {
      const value = entryValue(ctx, afterEntry);
      if (!value.ok) return fail(value.node, `\`after\` of step "${id.value}" is not statically known (${value.reason})`);
      if (value.value !== undefined) {
        if (!Array.isArray(value.value) || !value.value.every((item): item is string => typeof item === "string")) {
          return fail(afterEntry.node, `\`after\` of step "${id.value}" should be a list of step ids, got ${JSON.stringify(value.value)}`);
        }
        after = value.value;
      }
    }
    config = readStepConfig(ctx, entries.entries, what);
    conditional = readCondition(ctx, entries.entries.get("when"), what);
  }

  const facts = readStepFunction(ctx, runNode ?? optionsNode, what, evaluateBuilder);
  const step: StaticStep = {
    id: id.value,
    after: [...after],
    kind: facts.kind,
    config,
    conditional,
    ...(facts.model === undefined ? {} : { model: facts.model }),
    ...(facts.target === undefined ? {} : { target: facts.target }),
    location: ctx.locate(callee.getNameNode()),
  };
  const steps = [...base.steps, step];
  if (base.complete) {
    const problem = findDefinitionProblem(steps);
    if (problem !== undefined) return fail(idNode, problem.replace(/\.$/, ""));
  }
  return { ...base, steps, complete: base.complete && facts.incomplete !== true };
};
