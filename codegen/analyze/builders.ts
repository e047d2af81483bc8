/**
 * Evaluates builder expressions: `pipeline(...)` and the `.step`,
 * `.configure` and `.withServices` calls chained on it (across statements,
 * through constants and imports), `router(...)` and `agent(...)`.
 *
 * `evaluateBuilder` is recursive (a router's routes and a step's `asStep()`
 * target are builder values too); constructors.ts and step.ts receive it as a
 * parameter rather than importing this file, so the modules form no cycle.
 */
import { Node, VariableDeclarationKind, type CallExpression, type Identifier, type VariableDeclaration } from "ts-morph";
import { followedValues, reachingValue } from "./assignments.js";
import type { AnalysisContext } from "./context.js";
import { applyConfigure } from "./configure.js";
import { readAgent, readPipeline, readRouter } from "./constructors.js";
import { stepgraphFunctionAt } from "./imports.js";
import type { BuilderValue } from "./model.js";
import { addStep } from "./step.js";
import { declarationOf, unwrap } from "./values.js";

/** Methods that return a pipeline with the same or more steps. */
export const BUILDER_METHODS: ReadonlySet<string> = new Set(["step", "configure", "withServices"]);

const evaluateCall = (ctx: AnalysisContext, call: CallExpression): BuilderValue | undefined => {
  const callee = unwrap(call.getExpression());
  if (Node.isPropertyAccessExpression(callee) && BUILDER_METHODS.has(callee.getName())) {
    const base = evaluateBuilder(ctx, callee.getExpression());
    if (base?.kind !== "pipeline") return undefined;
    const result =
      callee.getName() === "step" ? addStep(ctx, base, call, callee, evaluateBuilder) : callee.getName() === "configure" ? applyConfigure(ctx, base, call) : base;
    // Every builder call makes a value of its own, so that a value stands for one declaration (aliases share it).
    return result === base ? { ...base } : result;
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
      value = evaluateIdentifier(ctx, node);
    } else if (Node.isCallExpression(node)) {
      value = evaluateCall(ctx, node);
    }
    ctx.builders.set(key, value ?? null);
    return value;
  } finally {
    ctx.inProgress.delete(key);
  }
};

/** Whether `declaration` is a `const`, whose initializer is its value everywhere. */
export const isConstant = (declaration: VariableDeclaration): boolean => {
  const list = declaration.getParent();
  return Node.isVariableDeclarationList(list) && list.getDeclarationKind() === VariableDeclarationKind.Const;
};

/**
 * The builder value of a `let` or `var` variable where `reference` reads it
 * (`"end"`: its last value), following its reassignments. When an assignment
 * cannot be followed and the variable holds a pipeline, that assignment is
 * reported.
 */
export const evaluateVariable = (ctx: AnalysisContext, declaration: VariableDeclaration, reference: Node | "end"): BuilderValue | undefined => {
  const reaching = reachingValue(declaration, reference);
  if ("node" in reaching) return evaluateBuilder(ctx, reaching.node);
  if ("assignment" in reaching) {
    const held = followedValues(declaration)
      .map((value) => (mayBeBuilder(value) || Node.isIdentifier(unwrap(value)) ? evaluateBuilder(ctx, value) : undefined))
      .find((value) => value?.kind === "pipeline" || value?.kind === "router");
    if (held !== undefined) {
      const what = `${held.kind} "${held.name || "?"}"`;
      ctx.warn(reaching.assignment, `${what}: ${reaching.reason}.`);
    }
  }
  return undefined;
};

/** What an identifier names: a `const`'s initializer, or a `let`'s value at that point. */
const evaluateIdentifier = (ctx: AnalysisContext, identifier: Identifier): BuilderValue | undefined => {
  const declaration = declarationOf(ctx, identifier);
  if (declaration === undefined || !Node.isVariableDeclaration(declaration)) return undefined;
  if (!isConstant(declaration)) return evaluateVariable(ctx, declaration, identifier);
  const initializer = declaration.getInitializer();
  return initializer === undefined ? undefined : evaluateBuilder(ctx, initializer);
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
