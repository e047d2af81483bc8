/**
 * Recognises stepgraph's own `pipeline`, `router` and `agent` functions at a
 * call site by what the callee is imported from (directly, renamed, through
 * a user module's re-export, as `namespace.pipeline`, or with CommonJS
 * `require`), never by its name alone: a user's own function called
 * `pipeline` is not stepgraph's.
 */
import { Node, SyntaxKind, type SourceFile, type Symbol as MorphSymbol, type ts } from "ts-morph";
import { isLibraryModule, isLibraryPath } from "./library.js";

/** The stepgraph functions whose calls the analyser reads. */
export type StepgraphFunction = "pipeline" | "router" | "agent";

const FUNCTIONS: ReadonlySet<string> = new Set<StepgraphFunction>(["pipeline", "router", "agent"]);
/** Re-exports followed before giving up. */
const MAX_HOPS = 8;

const asFunction = (name: string): StepgraphFunction | undefined => (FUNCTIONS.has(name) ? (name as StepgraphFunction) : undefined);

/** The module an import or export specifier takes its binding from, if it names one. */
const moduleSpecifierOf = (declaration: Node): string | undefined => {
  if (Node.isImportSpecifier(declaration)) return declaration.getImportDeclaration().getModuleSpecifierValue();
  if (Node.isExportSpecifier(declaration)) return declaration.getExportDeclaration().getModuleSpecifierValue();
  if (Node.isNamespaceImport(declaration)) {
    const importDeclaration = declaration.getParent().getParent();
    return Node.isImportDeclaration(importDeclaration) ? importDeclaration.getModuleSpecifierValue() : undefined;
  }
  return undefined;
};

/** The module of `require("module")`, when `node` is such a call. */
export const requiredModule = (node: Node | undefined): string | undefined => {
  if (node === undefined || !Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  const [argument] = node.getArguments();
  if (!Node.isIdentifier(callee) || callee.getText() !== "require" || argument === undefined || !Node.isStringLiteral(argument)) return undefined;
  return argument.getLiteralValue();
};

/** `const { pipeline } = require("stepgraph")` (possibly renamed): the required module and the property taken. */
const requiredBinding = (declaration: Node): { readonly module: string; readonly property: string } | undefined => {
  if (!Node.isBindingElement(declaration)) return undefined;
  const pattern = declaration.getParent();
  const variable = pattern.getParent();
  if (!Node.isObjectBindingPattern(pattern) || variable === undefined || !Node.isVariableDeclaration(variable)) return undefined;
  const module = requiredModule(variable.getInitializer());
  if (module === undefined) return undefined;
  return { module, property: (declaration.getPropertyNameNode() ?? declaration.getNameNode()).getText() };
};

const importsLibrary = (declaration: Node, options: ts.CompilerOptions): boolean => {
  const specifier = moduleSpecifierOf(declaration);
  return specifier !== undefined && isLibraryModule(specifier, declaration.getSourceFile().getFilePath(), options);
};

/** The stepgraph function a symbol stands for, following imports and re-exports one hop at a time. */
const functionOfSymbol = (symbol: MorphSymbol | undefined, options: ts.CompilerOptions): StepgraphFunction | undefined => {
  let current = symbol;
  for (let hop = 0; current !== undefined && hop < MAX_HOPS; hop += 1) {
    for (const declaration of current.getDeclarations()) {
      if ((Node.isImportSpecifier(declaration) || Node.isExportSpecifier(declaration)) && importsLibrary(declaration, options)) {
        return asFunction(declaration.getName());
      }
      const required = requiredBinding(declaration);
      if (required !== undefined && isLibraryModule(required.module, declaration.getSourceFile().getFilePath(), options)) return asFunction(required.property);
      // Reading the library's own sources (its tests, say): the function declaration itself.
      if (isLibraryPath(declaration.getSourceFile().getFilePath()) && (Node.isFunctionDeclaration(declaration) || Node.isVariableDeclaration(declaration))) {
        return asFunction(current.getName());
      }
    }
    current = current.isAlias() ? current.getImmediatelyAliasedSymbol() : undefined;
  }
  return undefined;
};

/** Whether `declaration` is `const sg = require("stepgraph")`. */
const requiresLibrary = (declaration: Node, options: ts.CompilerOptions): boolean => {
  if (!Node.isVariableDeclaration(declaration)) return false;
  const module = requiredModule(declaration.getInitializer());
  return module !== undefined && isLibraryModule(module, declaration.getSourceFile().getFilePath(), options);
};

/** Whether `identifier` names a namespace import of stepgraph (`import * as sg from "stepgraph"`, `const sg = require("stepgraph")`). */
const isLibraryNamespace = (identifier: Node, options: ts.CompilerOptions): boolean =>
  (identifier.getSymbol()?.getDeclarations() ?? []).some(
    (declaration) => (Node.isNamespaceImport(declaration) && importsLibrary(declaration, options)) || requiresLibrary(declaration, options),
  );

/** Local names a file imports (named and namespace, or bound to a `require`), so most calls are rejected without the checker. */
export const importedNames = (sourceFile: SourceFile): ReadonlySet<string> => {
  const names = new Set<string>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    for (const specifier of declaration.getNamedImports()) names.add((specifier.getAliasNode() ?? specifier.getNameNode()).getText());
    const namespace = declaration.getNamespaceImport();
    if (namespace !== undefined) names.add(namespace.getText());
  }
  for (const declaration of sourceFile.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    if (requiredModule(declaration.getInitializer()) === undefined) continue;
    const name = declaration.getNameNode();
    if (Node.isIdentifier(name)) names.add(name.getText());
    else for (const element of name.getElements()) if (Node.isBindingElement(element)) names.add(element.getNameNode().getText());
  }
  return names;
};

/**
 * The stepgraph function `callee` refers to, if any: an imported identifier
 * (possibly renamed or re-exported) or `namespace.pipeline`.
 */
export const stepgraphFunctionAt = (callee: Node, options: ts.CompilerOptions): StepgraphFunction | undefined => {
  if (Node.isIdentifier(callee)) return functionOfSymbol(callee.getSymbol(), options);
  if (Node.isPropertyAccessExpression(callee)) {
    const object = callee.getExpression();
    const name = asFunction(callee.getName());
    if (name !== undefined && Node.isIdentifier(object) && isLibraryNamespace(object, options)) return name;
  }
  return undefined;
};
