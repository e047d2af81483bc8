/**
 * Reads the calls that create builder values: `pipeline(name, options?)`,
 * `router(name, { routes, route, fallback })` and `agent({ model, ... })`.
 */
import { Node, type CallExpression } from "ts-morph";
import type { AnalysisContext, BuilderEvaluator } from "./context.js";
import type { AgentValue, PipelineValue, RouterValue, StaticRoute } from "./model.js";
import { entryEntries, entryValue, objectEntries, readStepConfig, runtimeKeyOrder } from "./options.js";
import { evaluate, followConstant } from "./values.js";

/** The provider prefix agents accept on model names; the Graph stores the model without it. */
const PROVIDER_PREFIX = "openai:";

/** A pipeline's or router's name, or `undefined` after warning that it is not known. */
const readName = (ctx: AnalysisContext, call: CallExpression, what: "pipeline" | "router"): string | undefined => {
  const [argument] = call.getArguments();
  if (argument === undefined) {
    ctx.warn(call, `this ${what} has no name; it is not documented.`);
    return undefined;
  }
  const name = evaluate(ctx, argument);
  if (!name.ok) {
    ctx.warn(name.node, `a ${what} name is not statically known (${name.reason}); the ${what} is not documented.`);
    return undefined;
  }
  if (typeof name.value !== "string" || name.value.length === 0) {
    ctx.warn(argument, `a ${what} name should be a non-empty string, got ${JSON.stringify(name.value)}; the ${what} is not documented.`);
    return undefined;
  }
  return name.value;
};

/** `pipeline(name, options?)`: a pipeline with no steps. */
export const readPipeline = (ctx: AnalysisContext, call: CallExpression): PipelineValue => {
  const name = readName(ctx, call, "pipeline");
  return { kind: "pipeline", name: name ?? "", steps: [], complete: name !== undefined };
};

/**
 * `router(name, { routes: { a: pipelineA, ... }, route, fallback, config })`: its name, route names in run-time key order, and config.
 * Each route's target is evaluated with `evaluateBuilder`.
 */
export const readRouter = (ctx: AnalysisContext, call: CallExpression, evaluateBuilder: BuilderEvaluator): RouterValue => {
  const name = readName(ctx, call, "router");
  const incomplete: RouterValue = { kind: "router", name: name ?? "", routes: [], config: {}, complete: false };
  const what = `router "${name ?? "?"}"`;
  const options = call.getArguments()[1];
  if (options === undefined) {
    ctx.warn(call, `${what} has no options with \`routes\`; it is not documented.`);
    return incomplete;
  }
  const entries = objectEntries(ctx, options);
  const routesEntry = entries.ok ? entries.entries.get("routes") : undefined;
  const routes = routesEntry === undefined ? entries : entryEntries(ctx, routesEntry);
  if (!routes.ok) {
    ctx.warn(routes.node, `${what}: its routes are not statically known (${routes.reason}); it is not documented.`);
    return incomplete;
  }
  if (routesEntry === undefined) {
    ctx.warn(options, `${what} has no \`routes\`; it is not documented.`);
    return incomplete;
  }
  const list: StaticRoute[] = runtimeKeyOrder(routes.entries.keys()).map((route) => {
    const entry = routes.entries.get(route);
    const target = entry === undefined || entry.value !== undefined ? undefined : evaluateBuilder(ctx, entry.node);
    return target?.kind === "pipeline" || target?.kind === "router" ? { name: route, target } : { name: route };
  });
  const configEntry = entries.ok ? entries.entries.get("config") : undefined;
  const configEntries = configEntry === undefined ? undefined : entryEntries(ctx, configEntry);
  if (configEntries !== undefined && !configEntries.ok) {
    ctx.warn(configEntries.node, `${what}: its \`config\` is not statically known (${configEntries.reason}); it is left out of the docs.`);
  }
  const config = configEntries?.ok ? readStepConfig(ctx, configEntries.entries, what) : {};
  return { kind: "router", name: name ?? "", routes: list, config, complete: name !== undefined };
};

/** `agent({ model, ... })` (the options may also follow a name): the model, without an `openai:` prefix. */
export const readAgent = (ctx: AnalysisContext, call: CallExpression): AgentValue => {
  const options = call.getArguments().find((argument) => {
    const followed = followConstant(ctx, argument);
    return "node" in followed && Node.isObjectLiteralExpression(followed.node);
  });
  if (options === undefined) return { kind: "agent" };
  const entries = objectEntries(ctx, options);
  if (!entries.ok) {
    ctx.warn(entries.node, `the options of this agent are not statically known (${entries.reason}); its model is left out of the docs.`);
    return { kind: "agent" };
  }
  const entry = entries.entries.get("model");
  if (entry === undefined) return { kind: "agent" };
  const model = entryValue(ctx, entry);
  if (!model.ok) {
    ctx.warn(model.node, `an agent's model is not statically known (${model.reason}); it is left out of the docs.`);
    return { kind: "agent" };
  }
  if (typeof model.value !== "string") return { kind: "agent" };
  return { kind: "agent", model: model.value.startsWith(PROVIDER_PREFIX) ? model.value.slice(PROVIDER_PREFIX.length) : model.value };
};
