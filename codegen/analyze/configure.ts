/**
 * Reads `.configure({ steps: { id: { timeout, retries, ... } } })`: per-step
 * overrides win over the step's own options, as they do at run time.
 * Step defaults and run settings do not appear in the graph, so they are
 * not read.
 */
import type { CallExpression } from "ts-morph";
import type { AnalysisContext } from "./context.js";
import type { PipelineValue, StaticStep } from "./model.js";
import { entryEntries, objectEntries, readStepConfig } from "./options.js";

/** The pipeline after `base.configure(...)`, with the step overrides that are statically known applied. */
export const applyConfigure = (ctx: AnalysisContext, base: PipelineValue, call: CallExpression): PipelineValue => {
  const what = `pipeline "${base.name || "?"}"`;
  const [argument] = call.getArguments();
  if (argument === undefined) return base;
  const options = objectEntries(ctx, argument);
  if (!options.ok) {
    ctx.warn(options.node, `${what}: \`configure\` options are not statically known (${options.reason}); step overrides are left out of the docs.`);
    return base;
  }
  const stepsEntry = options.entries.get("steps");
  if (stepsEntry === undefined) return base;
  const overrides = entryEntries(ctx, stepsEntry);
  if (!overrides.ok) {
    ctx.warn(overrides.node, `${what}: \`configure({ steps })\` is not statically known (${overrides.reason}); step overrides are left out of the docs.`);
    return base;
  }
  let steps: ReadonlyArray<StaticStep> = base.steps;
  for (const [id, entry] of overrides.entries) {
    const index = steps.findIndex((step) => step.id === id);
    if (index === -1) {
      ctx.warn(entry.node, `${what}: \`configure\` names "${id}", which is not a step of this pipeline; the override is left out.`);
      continue;
    }
    const fields = entryEntries(ctx, entry);
    if (!fields.ok) {
      ctx.warn(fields.node, `${what}: the override of step "${id}" is not statically known (${fields.reason}); it is left out of the docs.`);
      continue;
    }
    const override = readStepConfig(ctx, fields.entries, `${what}, configure step "${id}"`);
    steps = steps.map((step, position) => (position === index ? { ...step, config: { ...step.config, ...override } } : step));
  }
  return { ...base, steps };
};
