/**
 * The places a step id is written, and which step each one names:
 *
 * - `.step("id", ...)`: the declaration;
 * - `after: ["id"]` and `ctx.dep("id")` / `ctx.depOrUndefined("id")` (in the
 *   step's function, its `when`, or a function given to `asStep`): an earlier
 *   step of the same pipeline;
 * - `p.configure({ steps: { id: ... } })`, `p.run(input, { steps: { id: ... } })`
 *   (and `toEffect`, `runMany`, `runEach`, `stream`): a step of `p`;
 * - `result.outputs.id`, `result.outputs["id"]`, `const { id } = result.outputs`,
 *   `result.usage.byStep.id`, `result.timing.steps.id`: a step of the
 *   pipeline that produced `result`.
 */
import type TS from "typescript";
import type { Chains, StepDeclaration } from "./chains.js";
import { stepIn } from "./chains.js";

export type UseKind = "declaration" | "after" | "dep" | "configure" | "run option" | "result";

/** One written step id and the step it names. */
export interface StepIdUse {
  readonly kind: UseKind;
  readonly id: string;
  /** The string literal or identifier the id is written as. */
  readonly node: TS.StringLiteralLike | TS.Identifier;
  readonly step: StepDeclaration;
  /** A shorthand binding (`const { id } = result.outputs`): renaming the step keeps the variable (`{ newId: id }`). */
  readonly shorthand?: boolean;
}

const DEP_METHODS = new Set(["dep", "depOrUndefined"]);
const RUN_OPTION_METHODS = new Set(["run", "toEffect", "runMany", "runEach", "stream"]);
const CONFIGURE = new Set(["configure"]);
/** Result properties keyed by step id, as a path from the result. */
const RESULT_PATHS: ReadonlyArray<readonly string[]> = [["outputs"], ["usage", "byStep"], ["timing", "steps"]];

export const usesFor = (ts: typeof TS, chains: Chains) => {
  const propertyNameText = (name: TS.PropertyName): string | undefined =>
    ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : undefined;

  /** `.step(...)` calls whose argument `node` is. */
  const stepCallWithArgument = (node: TS.Node): TS.CallExpression | undefined => {
    const parent = node.parent;
    return ts.isCallExpression(parent) && parent.arguments.includes(node as TS.Expression) && chains.declarationOf(parent) !== undefined ? parent : undefined;
  };

  /** The `.step(...)` call whose context a function receives: as the step's function, its `when`, or through `asStep(fn)` and similar wrappers. */
  const stepOfFunction = (fn: TS.Node): TS.CallExpression | undefined => {
    let node: TS.Node = fn;
    for (let depth = 0; depth < 8; depth++) {
      const parent = node.parent;
      if (parent === undefined) return undefined;
      if (ts.isParenthesizedExpression(parent)) {
        node = parent;
        continue;
      }
      if (ts.isCallExpression(parent) && parent.arguments.includes(node as TS.Expression)) {
        if (chains.declarationOf(parent) !== undefined) return parent;
        node = parent; // `agent.asStep((ctx) => …)`, `sub.asStep((ctx) => …)`
        continue;
      }
      if (ts.isPropertyAssignment(parent) && propertyNameText(parent.name) === "when" && ts.isObjectLiteralExpression(parent.parent)) {
        return stepCallWithArgument(parent.parent);
      }
      return undefined;
    }
    return undefined;
  };

  /** The function declaring the parameter (or a binding of it) that `expression` names. */
  const functionOfParameter = (expression: TS.Expression): TS.SignatureDeclaration | undefined => {
    if (!ts.isIdentifier(expression)) return undefined;
    let declaration: TS.Node | undefined = chains.symbolOf(expression)?.valueDeclaration;
    while (declaration !== undefined && (ts.isBindingElement(declaration) || ts.isObjectBindingPattern(declaration))) declaration = declaration.parent;
    return declaration !== undefined && ts.isParameter(declaration) && ts.isFunctionLike(declaration.parent) ? declaration.parent : undefined;
  };

  /** `ctx.dep("id")` (or `dep("id")` destructured from ctx): the step whose context it reads. */
  const depStep = (call: TS.CallExpression): TS.CallExpression | undefined => {
    const callee = chains.skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee) && DEP_METHODS.has(callee.name.text)) {
      const fn = functionOfParameter(chains.skipOuter(callee.expression));
      return fn === undefined ? undefined : stepOfFunction(fn);
    }
    if (ts.isIdentifier(callee) && DEP_METHODS.has(callee.text)) {
      const fn = functionOfParameter(callee);
      return fn === undefined ? undefined : stepOfFunction(fn);
    }
    return undefined;
  };

  /** A string literal: a declaration, an `after` entry, a `ctx.dep` argument, a `steps` key or `outputs["id"]`. */
  const literalUse = (literal: TS.StringLiteralLike): StepIdUse | undefined => {
    const parent = literal.parent;
    const id = literal.text;
    if (ts.isCallExpression(parent) && parent.arguments[0] === literal) {
      const declaration = chains.declarationOf(parent);
      if (declaration !== undefined) return { kind: "declaration", id, node: literal, step: declaration };
      const step = depStep(parent);
      const named = step === undefined ? undefined : chains.earlierStep(step, id);
      return named === undefined ? undefined : { kind: "dep", id, node: literal, step: named };
    }
    if (ts.isArrayLiteralExpression(parent) && ts.isPropertyAssignment(parent.parent) && propertyNameText(parent.parent.name) === "after") {
      const options = parent.parent.parent;
      const step = ts.isObjectLiteralExpression(options) ? stepCallWithArgument(options) : undefined;
      const named = step === undefined ? undefined : chains.earlierStep(step, id);
      return named === undefined ? undefined : { kind: "after", id, node: literal, step: named };
    }
    if (ts.isPropertyAssignment(parent) && parent.name === literal) return stepsKeyUse(parent, literal);
    if (ts.isElementAccessExpression(parent) && parent.argumentExpression === literal) return resultUse(parent.expression, literal);
    if (ts.isBindingElement(parent) && parent.propertyName === literal) return bindingUse(parent, literal);
    return undefined;
  };

  /** `const { id } = result.outputs` and `const { id: name } = result.outputs`. */
  const bindingUse = (binding: TS.BindingElement, node: TS.StringLiteralLike | TS.Identifier): StepIdUse | undefined => {
    const pattern = binding.parent;
    const declaration = pattern.parent;
    if (binding.dotDotDotToken !== undefined || !ts.isObjectBindingPattern(pattern) || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) return undefined;
    const use = resultUse(declaration.initializer, node);
    return use === undefined ? undefined : binding.propertyName === undefined ? { ...use, shorthand: true } : use;
  };

  /** An identifier: a `steps` key, `outputs.id` or a binding of it. */
  const identifierUse = (identifier: TS.Identifier): StepIdUse | undefined => {
    const parent = identifier.parent;
    if (ts.isPropertyAssignment(parent) && parent.name === identifier) return stepsKeyUse(parent, identifier);
    if (ts.isPropertyAccessExpression(parent) && parent.name === identifier) return resultUse(parent.expression, identifier);
    if (ts.isBindingElement(parent) && (parent.propertyName === identifier || (parent.propertyName === undefined && parent.name === identifier))) {
      return bindingUse(parent, identifier);
    }
    return undefined;
  };

  /** `{ steps: { id: … } }` given to `configure` or as run options. */
  const stepsKeyUse = (property: TS.PropertyAssignment, node: TS.StringLiteralLike | TS.Identifier): StepIdUse | undefined => {
    const steps = property.parent;
    const stepsProperty = steps.parent;
    if (!ts.isObjectLiteralExpression(steps) || !ts.isPropertyAssignment(stepsProperty) || propertyNameText(stepsProperty.name) !== "steps") return undefined;
    const options = stepsProperty.parent;
    const call = options.parent;
    if (!ts.isObjectLiteralExpression(options) || !ts.isCallExpression(call)) return undefined;
    const configured = call.arguments[0] === options ? chains.pipelineReceiver(call, CONFIGURE) : undefined;
    const run = call.arguments[1] === options ? chains.pipelineReceiver(call, RUN_OPTION_METHODS) : undefined;
    const receiver = configured ?? run;
    const step = receiver === undefined ? undefined : stepIn(chains.chainOf(receiver), node.text);
    return step === undefined ? undefined : { kind: configured !== undefined ? "configure" : "run option", id: node.text, node, step };
  };

  /** `<result>.outputs.id` (and the other result maps by step id). */
  const resultUse = (map: TS.Expression, node: TS.StringLiteralLike | TS.Identifier): StepIdUse | undefined => {
    for (const path of RESULT_PATHS) {
      let expression: TS.Expression = chains.skipOuter(map);
      let matched = true;
      for (const name of [...path].reverse()) {
        if (!ts.isPropertyAccessExpression(expression) || expression.name.text !== name) {
          matched = false;
          break;
        }
        expression = chains.skipOuter(expression.expression);
      }
      if (!matched) continue;
      const step = stepIn(chains.resultChainOf(expression), node.text);
      return step === undefined ? undefined : { kind: "result", id: node.text, node, step };
    }
    return undefined;
  };

  /** The step id use `node` is, if it is one. */
  const useOf = (node: TS.Node): StepIdUse | undefined => {
    if (ts.isStringLiteralLike(node)) return literalUse(node);
    if (ts.isIdentifier(node)) return identifierUse(node);
    return undefined;
  };

  return { useOf };
};
