/**
 * Evaluates expressions whose value is known without running anything:
 * literals, arrays and objects of them, `as const`, template strings, and
 * constants followed to their initializers (in any file of the program).
 * What it cannot know it reports as a failure naming the node and why; the
 * checker's literal type is the last resort for identifiers and properties.
 */
import {
  Node,
  SyntaxKind,
  VariableDeclarationKind,
  type AsExpression,
  type NonNullExpression,
  type ParenthesizedExpression,
  type SatisfiesExpression,
  type Type,
  type TypeAssertion,
} from "ts-morph";
import { snippet, type AnalysisContext } from "./context.js";

/** Stands for a function value: the analyser knows one is there, not what it does. */
export const FUNCTION: unique symbol = Symbol("function");

/** The result of evaluating an expression statically. */
export type Evaluated =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly node: Node; readonly reason: string };

const known = (value: unknown): Evaluated => ({ ok: true, value });
const unknown = (node: Node, reason: string): Evaluated => ({ ok: false, node, reason });

/** Whether a node only wraps a value without changing it: parentheses, `as`, `satisfies`, `!`, `<T>`. */
export const isWrapper = (
  node: Node,
): node is ParenthesizedExpression | AsExpression | SatisfiesExpression | NonNullExpression | TypeAssertion =>
  Node.isParenthesizedExpression(node) ||
  Node.isAsExpression(node) ||
  Node.isSatisfiesExpression(node) ||
  Node.isNonNullExpression(node) ||
  Node.isTypeAssertion(node);

/** Strips wrappers that do not change a value (see {@link isWrapper}). */
export const unwrap = (node: Node): Node => {
  let current = node;
  while (isWrapper(current)) {
    current = current.getExpression();
  }
  return current;
};

/** The declaration an identifier refers to, through imports and shorthand properties. */
export const declarationOf = (ctx: AnalysisContext, identifier: Node): Node | undefined => {
  let symbol = identifier.getSymbol();
  const first = symbol?.getDeclarations()[0];
  if (first !== undefined && Node.isShorthandPropertyAssignment(first)) symbol = ctx.checker.getShorthandAssignmentValueSymbol(first);
  const target = symbol?.getAliasedSymbol() ?? symbol;
  return target?.getDeclarations()[0];
};

/**
 * Follows an identifier to the initializer of the `const` it names (repeatedly),
 * or explains why it cannot: a `let`, a parameter, no readable declaration.
 */
export const followConstant = (ctx: AnalysisContext, node: Node): { readonly node: Node } | { readonly reason: string } => {
  let current = unwrap(node);
  const visited = new Set<Node>();
  while (Node.isIdentifier(current)) {
    if (visited.has(current)) return { reason: `\`${snippet(node)}\` refers to itself` };
    visited.add(current);
    const declaration = declarationOf(ctx, current);
    if (declaration === undefined) {
      const imported = current.getSymbol()?.isAlias() === true;
      return {
        reason: imported
          ? `\`${snippet(current)}\` is imported from a module the analyser does not read (packages' and stepgraph's own files are not loaded)`
          : `\`${snippet(current)}\` has no declaration the analyser can read`,
      };
    }
    if (Node.isVariableDeclaration(declaration)) {
      const list = declaration.getParent();
      const initializer = declaration.getInitializer();
      if (!Node.isVariableDeclarationList(list) || list.getDeclarationKind() !== VariableDeclarationKind.Const) {
        return { reason: `\`${snippet(current)}\` is a \`let\` or \`var\` variable, which may be reassigned` };
      }
      if (initializer === undefined) return { reason: `\`${snippet(current)}\` has no initializer` };
      current = unwrap(initializer);
      continue;
    }
    if (Node.isParameterDeclaration(declaration)) return { reason: `\`${snippet(current)}\` is a parameter` };
    if (Node.isFunctionDeclaration(declaration)) return { node: declaration };
    if (Node.isEnumMember(declaration)) return { node: declaration };
    return { reason: `\`${snippet(current)}\` is not a constant` };
  }
  return { node: current };
};

/** A value from the checker's type, when the type is a single literal or a tuple of literals. */
const fromLiteralType = (type: Type): Evaluated | undefined => {
  if (type.isStringLiteral() || type.isNumberLiteral()) return known(type.getLiteralValue());
  if (type.isBooleanLiteral()) return known(type.getText() === "true");
  if (type.isUndefined()) return known(undefined);
  if (type.isTuple()) {
    const values: unknown[] = [];
    for (const element of type.getTupleElements()) {
      const value = fromLiteralType(element);
      if (value === undefined || !value.ok) return undefined;
      values.push(value.value);
    }
    return known(values);
  }
  return undefined;
};

const describe = (node: Node): string => {
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) return `\`${snippet(node)}\` is a function call`;
  if (Node.isSpreadElement(node) || Node.isSpreadAssignment(node)) return `\`${snippet(node)}\` spreads a value that is not known`;
  if (Node.isConditionalExpression(node)) return `\`${snippet(node)}\` depends on a condition`;
  return `\`${snippet(node)}\` is not a literal or a constant`;
};

/** A property name as a string, or a failure (computed names must be known). */
export const propertyKey = (ctx: AnalysisContext, name: Node): Evaluated => {
  if (Node.isIdentifier(name) || Node.isPrivateIdentifier(name)) return known(name.getText());
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return known(name.getLiteralValue());
  if (Node.isNumericLiteral(name)) return known(String(name.getLiteralValue()));
  if (Node.isComputedPropertyName(name)) {
    const key = evaluate(ctx, name.getExpression());
    if (!key.ok) return key;
    if (typeof key.value === "string" || typeof key.value === "number") return known(String(key.value));
    return unknown(name, `\`${snippet(name)}\` is not a string key`);
  }
  return unknown(name, `\`${snippet(name)}\` is not a property name the analyser can read`);
};

const evaluateObject = (ctx: AnalysisContext, node: Node & { getProperties(): Node[] }): Evaluated => {
  const object: Record<string, unknown> = {};
  for (const property of node.getProperties()) {
    if (Node.isSpreadAssignment(property)) {
      const spread = evaluate(ctx, property.getExpression());
      if (!spread.ok) return spread;
      if (typeof spread.value !== "object" || spread.value === null) return unknown(property, describe(property));
      Object.assign(object, spread.value);
      continue;
    }
    if (Node.isMethodDeclaration(property)) {
      const key = propertyKey(ctx, property.getNameNode());
      if (!key.ok) return key;
      object[key.value as string] = FUNCTION;
      continue;
    }
    if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property)) {
      return unknown(property, `\`${snippet(property)}\` is an accessor`);
    }
    const key = propertyKey(ctx, property.getNameNode());
    if (!key.ok) return key;
    const value = Node.isPropertyAssignment(property)
      ? evaluate(ctx, property.getInitializerOrThrow())
      : evaluate(ctx, property.getNameNode());
    if (!value.ok) return value;
    Object.defineProperty(object, key.value as string, { value: value.value, enumerable: true, writable: true, configurable: true });
  }
  return known(object);
};

const evaluateArray = (ctx: AnalysisContext, node: Node & { getElements(): Node[] }): Evaluated => {
  const values: unknown[] = [];
  for (const element of node.getElements()) {
    if (Node.isOmittedExpression(element)) return unknown(element, "an array with holes is not supported");
    if (Node.isSpreadElement(element)) {
      const spread = evaluate(ctx, element.getExpression());
      if (!spread.ok) return spread;
      if (!Array.isArray(spread.value)) return unknown(element, describe(element));
      values.push(...(spread.value as unknown[]));
      continue;
    }
    const value = evaluate(ctx, element);
    if (!value.ok) return value;
    values.push(value.value);
  }
  return known(values);
};

const evaluateReference = (ctx: AnalysisContext, node: Node): Evaluated => {
  if (Node.isIdentifier(node) && node.getText() === "undefined") return known(undefined);
  const followed = followConstant(ctx, node);
  if ("node" in followed) {
    if (Node.isFunctionDeclaration(followed.node)) return known(FUNCTION);
    if (Node.isEnumMember(followed.node)) return known(followed.node.getValue());
    if (ctx.evaluating.has(followed.node.compilerNode)) return unknown(node, `\`${snippet(node)}\` refers to itself`);
    ctx.evaluating.add(followed.node.compilerNode);
    try {
      return evaluate(ctx, followed.node);
    } finally {
      ctx.evaluating.delete(followed.node.compilerNode);
    }
  }
  const fallback = fromLiteralType(node.getType());
  if (fallback !== undefined) return fallback;
  return unknown(node, "reason" in followed ? followed.reason : describe(node));
};

const evaluateAccess = (ctx: AnalysisContext, node: Node, objectNode: Node, keyValue: Evaluated): Evaluated => {
  const declaration = node.getSymbol()?.getDeclarations()[0];
  if (declaration !== undefined && Node.isEnumMember(declaration)) return known(declaration.getValue());
  const object = evaluate(ctx, objectNode);
  if (object.ok && keyValue.ok && typeof object.value === "object" && object.value !== null) {
    const key = String(keyValue.value);
    if (Object.hasOwn(object.value, key)) return known((object.value as Record<string, unknown>)[key]);
    if (Array.isArray(object.value) && key === "length") return known(object.value.length);
  }
  const fallback = fromLiteralType(node.getType());
  if (fallback !== undefined) return fallback;
  if (!object.ok) return object;
  return keyValue.ok ? unknown(node, describe(node)) : keyValue;
};

const evaluateTemplate = (ctx: AnalysisContext, node: Node): Evaluated => {
  if (!Node.isTemplateExpression(node)) return unknown(node, describe(node));
  let text = node.getHead().getLiteralText();
  for (const span of node.getTemplateSpans()) {
    const value = evaluate(ctx, span.getExpression());
    if (!value.ok) return value;
    if (typeof value.value !== "string" && typeof value.value !== "number" && typeof value.value !== "boolean") {
      return unknown(span.getExpression(), describe(span.getExpression()));
    }
    text += String(value.value) + span.getLiteral().getLiteralText();
  }
  return known(text);
};

/** Evaluates `node` statically, or says which part is not known and why. */
export const evaluate = (ctx: AnalysisContext, input: Node): Evaluated => {
  const node = unwrap(input);
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return known(node.getLiteralValue());
  if (Node.isNumericLiteral(node)) return known(node.getLiteralValue());
  if (Node.isTrueLiteral(node)) return known(true);
  if (Node.isFalseLiteral(node)) return known(false);
  if (Node.isNullLiteral(node)) return known(null);
  if (Node.isTemplateExpression(node)) return evaluateTemplate(ctx, node);
  if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) return known(FUNCTION);
  if (Node.isArrayLiteralExpression(node)) return evaluateArray(ctx, node);
  if (Node.isObjectLiteralExpression(node)) return evaluateObject(ctx, node);
  if (Node.isIdentifier(node)) return evaluateReference(ctx, node);
  if (Node.isPropertyAccessExpression(node)) return evaluateAccess(ctx, node, node.getExpression(), known(node.getName()));
  if (Node.isElementAccessExpression(node)) {
    const argument = node.getArgumentExpression();
    return evaluateAccess(ctx, node, node.getExpression(), argument === undefined ? unknown(node, describe(node)) : evaluate(ctx, argument));
  }
  if (Node.isPrefixUnaryExpression(node)) {
    const operand = evaluate(ctx, node.getOperand());
    if (!operand.ok) return operand;
    if (typeof operand.value === "number" && node.getOperatorToken() === SyntaxKind.MinusToken) return known(-operand.value);
    if (typeof operand.value === "number" && node.getOperatorToken() === SyntaxKind.PlusToken) return known(operand.value);
  }
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    const left = evaluate(ctx, node.getLeft());
    if (!left.ok) return left;
    const right = evaluate(ctx, node.getRight());
    if (!right.ok) return right;
    if (typeof left.value === "string" || typeof right.value === "string") return known(String(left.value) + String(right.value));
    if (typeof left.value === "number" && typeof right.value === "number") return known(left.value + right.value);
  }
  return unknown(node, describe(node));
};
