/**
 * Evaluates builder expressions: `pipeline(...)` and the `.step`,
 * `.configure` and `.withServices` calls chained on it (across statements,
 * through constants and imports), `router(...)` and `agent(...)`.
 *
 * `evaluateBuilder` is recursive (a router's routes and a step's `asStep()`
 * target are builder values too); constructors.ts and step.ts receive it as a
 * parameter rather than importing this file, so the modules form no cycle.
 */
import { Node, type CallExpression } from "ts-morph";
import type { AnalysisContext } from "./context.js";
import { applyConfigure } from "./configure.js";
import { readAgent, readPipeline, readRouter } from "./constructors.js";
import { stepgraphFunctionAt } from "./imports.js";
import type { BuilderValue } from "./model.js";
import { addStep } from "./step.js";
import { followConstant, unwrap } from "./values.js";

/** Methods that return a pipeline with the same or more steps. */
export const BUILDER_METHODS: ReadonlySet<string> = new Set(["step", "configure", "withServices"]);

const evaluateCall = (ctx: AnalysisContext, call: CallExpression): BuilderValue | undefined => {
  const callee = unwrap(call.getExpression());
  if (Node.isPropertyAccessExpression(callee) && BUILDER_METHODS.has(callee.getName())) {
    const base = evaluateBuilder(ctx, callee.getExpression());
    if (base?.kind !== "pipeline") return undefined;
    if (callee.getName() === "step") return addStep(ctx, base, call, callee, evaluateBuilder);
    if (callee.getName() === "configure") return applyConfigure(ctx, base, call);
    return base;
  }
  switch (stepgraphFunctionAt(callee, ctx.compilerOptions)) {
    case "pipeline":
      return readPipeline(ctx, call);
    case "router":
      return readRouter(ctx, call, evaluateBuilder);
    case "agent":
      return readAgent(ctx, call);
    default:
      return undefined;
  }
};

/**
 * The pipeline, router or agent `input` evaluates to, or `undefined` when it
 * is not one (or cannot be followed). Each expression is evaluated once per run.
 */
export const evaluateBuilder = (ctx: AnalysisContext, input: Node): BuilderValue | undefined => {
  const node = unwrap(input);
  const key = node.compilerNode;
  const cached = ctx.builders.get(key);
  if (cached !== undefined) return cached ?? undefined;
  if (ctx.inProgress.has(key)) return undefined;
  ctx.inProgress.add(key);
  try {
    let value: BuilderValue | undefined;
    if (Node.isIdentifier(node)) {
      const followed = followConstant(ctx, node);
      value = "node" in followed && followed.node !== node ? evaluateBuilder(ctx, followed.node) : undefined;
    } else if (Node.isCallExpression(node)) {
      value = evaluateCall(ctx, node);
    }
    ctx.builders.set(key, value ?? null);
    return value;
  } finally {
    ctx.inProgress.delete(key);
  }
};

/** Whether `node` could start or continue a builder chain, judged from syntax alone (cheap). */
export const mayBeBuilder = (node: Node): boolean => {
  const current = unwrap(node);
  if (!Node.isCallExpression(current)) return false;
  const callee = unwrap(current.getExpression());
  if (Node.isIdentifier(callee)) return true;
  if (!Node.isPropertyAccessExpression(callee)) return false;
  return BUILDER_METHODS.has(callee.getName()) || Node.isIdentifier(callee.getExpression());
};
