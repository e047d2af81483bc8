/**
 * Finds what a file declares: every variable (or default export) whose value
 * is a pipeline or router, and every `pipeline(...)`/`router(...)` chain that
 * is not assigned anywhere (passed inline, or run on the spot).
 */
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import { BUILDER_METHODS, evaluateBuilder, mayBeBuilder } from "./builders.js";
import type { AnalysisContext } from "./context.js";
import { importedNames, stepgraphFunctionAt } from "./imports.js";
import type { StaticDocument } from "./model.js";
import { unwrap } from "./values.js";

const isWrapper = (node: Node): boolean =>
  Node.isParenthesizedExpression(node) ||
  Node.isAsExpression(node) ||
  Node.isSatisfiesExpression(node) ||
  Node.isNonNullExpression(node) ||
  Node.isTypeAssertion(node);

/** The outermost expression of the builder chain `call` starts: `pipeline(...).step(...).configure(...)`. */
const chainTop = (call: Node): Node => {
  let top = call;
  for (;;) {
    let parent = top.getParent();
    while (parent !== undefined && isWrapper(parent)) {
      top = parent;
      parent = top.getParent();
    }
    const grandparent = parent?.getParent();
    if (
      parent !== undefined &&
      Node.isPropertyAccessExpression(parent) &&
      BUILDER_METHODS.has(parent.getName()) &&
      grandparent !== undefined &&
      Node.isCallExpression(grandparent) &&
      grandparent.getExpression() === parent
    ) {
      top = grandparent;
      continue;
    }
    return top;
  }
};

/** Whether the chain ending at `top` is a variable's initializer or a default export, which are documented under their names. */
const isNamed = (top: Node): boolean => {
  const parent = top.getParent();
  return parent !== undefined && (Node.isVariableDeclaration(parent) || Node.isExportAssignment(parent));
};

/** The pipelines and routers `sourceFile` declares, in source order. */
export const collectDocuments = (ctx: AnalysisContext, sourceFile: SourceFile): StaticDocument[] => {
  const found: Array<StaticDocument & { readonly position: number }> = [];
  const add = (expression: Node, binding: string | undefined, at: Node) => {
    const value = evaluateBuilder(ctx, expression);
    if (value?.kind !== "pipeline" && value?.kind !== "router") return;
    found.push({ value, binding, location: ctx.locate(at), position: at.getStart() });
  };

  for (const declaration of sourceFile.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    const initializer = declaration.getInitializer();
    if (initializer === undefined || !mayBeBuilder(initializer)) continue;
    const name = declaration.getNameNode();
    add(initializer, Node.isIdentifier(name) ? name.getText() : undefined, name);
  }
  for (const assignment of sourceFile.getDescendantsOfKind(SyntaxKind.ExportAssignment)) {
    if (mayBeBuilder(assignment.getExpression())) add(assignment.getExpression(), "default", assignment);
  }

  const imported = importedNames(sourceFile);
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = unwrap(call.getExpression());
    const local = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
    if (!Node.isIdentifier(local) || !imported.has(local.getText())) continue;
    const created = stepgraphFunctionAt(callee, ctx.compilerOptions);
    if (created !== "pipeline" && created !== "router") continue;
    const top = chainTop(call);
    if (!isNamed(top)) add(top, undefined, call);
  }
  return found.sort((a, b) => a.position - b.position).map(({ position: _position, ...document }) => document);
};
