/**
 * What a file exports, as far as documenting it goes: the variables it
 * exports (`export const`, `export { x }`, `export default x`, CommonJS
 * `module.exports = { x }` and `exports.y = x`), and the values CommonJS
 * assigns to an export directly (`exports.full = base.step(...)`).
 */
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import type { AnalysisContext } from "./context.js";
import { declarationOf, unwrap } from "./values.js";

/** A value assigned to a CommonJS export: `exports.name = value` or `module.exports = value`. */
export interface CommonJsExport {
  readonly binding: string;
  readonly value: Node;
  /** Where to point at it. */
  readonly at: Node;
}

/** The exports of one file. */
export interface FileExports {
  /** The compiler nodes of exported variable declarations. */
  readonly declarations: ReadonlySet<object>;
  /** Values assigned to CommonJS exports, other than plain identifiers. */
  readonly commonJs: ReadonlyArray<CommonJsExport>;
}

/** `module.exports` */
const isModuleExports = (node: Node): boolean =>
  Node.isPropertyAccessExpression(node) && node.getName() === "exports" && Node.isIdentifier(node.getExpression()) && node.getExpression().getText() === "module";

/** The export a CommonJS assignment target names: `"module.exports"` for the whole object, a name for `exports.name` or `module.exports.name`. */
const commonJsTarget = (target: Node): string | undefined => {
  const node = unwrap(target);
  if (isModuleExports(node)) return "module.exports";
  if (Node.isPropertyAccessExpression(node)) {
    const object = unwrap(node.getExpression());
    if ((Node.isIdentifier(object) && object.getText() === "exports") || isModuleExports(object)) return node.getName();
  }
  if (Node.isElementAccessExpression(node)) {
    const object = unwrap(node.getExpression());
    const argument = node.getArgumentExpression();
    if (((Node.isIdentifier(object) && object.getText() === "exports") || isModuleExports(object)) && argument !== undefined && Node.isStringLiteral(argument)) {
      return argument.getLiteralValue();
    }
  }
  return undefined;
};

/** The exports of `sourceFile` that name variables or values to document. */
export const fileExports = (ctx: AnalysisContext, sourceFile: SourceFile): FileExports => {
  const declarations = new Set<object>();
  const commonJs: CommonJsExport[] = [];
  const markIdentifier = (identifier: Node) => {
    const declaration = declarationOf(ctx, identifier);
    if (declaration !== undefined && declaration.getSourceFile() === sourceFile) declarations.add(declaration.compilerNode);
  };

  for (const statement of sourceFile.getVariableStatements()) {
    if (statement.hasExportKeyword()) for (const declaration of statement.getDeclarations()) declarations.add(declaration.compilerNode);
  }
  for (const declaration of sourceFile.getExportDeclarations()) {
    if (declaration.getModuleSpecifier() !== undefined) continue;
    for (const specifier of declaration.getNamedExports()) markIdentifier(specifier.getNameNode());
  }
  for (const assignment of sourceFile.getExportAssignments()) {
    const expression = unwrap(assignment.getExpression());
    if (Node.isIdentifier(expression)) markIdentifier(expression);
  }
  // CommonJS, at the top level only: what runs when the module loads.
  for (const statement of sourceFile.getStatements()) {
    if (!Node.isExpressionStatement(statement)) continue;
    const expression = statement.getExpression();
    if (!Node.isBinaryExpression(expression) || expression.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const binding = commonJsTarget(expression.getLeft());
    if (binding === undefined) continue;
    const value = unwrap(expression.getRight());
    if (Node.isIdentifier(value)) {
      markIdentifier(value);
    } else if (binding === "module.exports" && Node.isObjectLiteralExpression(value)) {
      for (const property of value.getProperties()) {
        if (Node.isShorthandPropertyAssignment(property)) {
          markIdentifier(property.getNameNode());
        } else if (Node.isPropertyAssignment(property)) {
          const initializer = unwrap(property.getInitializerOrThrow());
          const name = property.getNameNode();
          if (Node.isIdentifier(initializer)) markIdentifier(initializer);
          else if (Node.isIdentifier(name) || Node.isStringLiteral(name)) commonJs.push({ binding: Node.isIdentifier(name) ? name.getText() : name.getLiteralValue(), value: initializer, at: name });
        }
      }
    } else {
      commonJs.push({ binding, value, at: expression.getLeft() });
    }
  }
  return { declarations, commonJs };
};
