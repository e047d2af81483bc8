/**
 * Recognises stepgraph's own `pipeline`, `router` and `agent` functions at a
 * call site by what the callee is imported from (directly, renamed, through
 * a user module's re-export, or as `namespace.pipeline`), never by its name
 * alone: a user's own function called `pipeline` is not stepgraph's.
 */
import { Node, type SourceFile, type Symbol as MorphSymbol, type ts } from "ts-morph";
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
      // Reading the library's own sources (its tests, say): the function declaration itself.
      if (isLibraryPath(declaration.getSourceFile().getFilePath()) && (Node.isFunctionDeclaration(declaration) || Node.isVariableDeclaration(declaration))) {
        return asFunction(current.getName());
      }
    }
    current = current.isAlias() ? current.getImmediatelyAliasedSymbol() : undefined;
  }
  return undefined;
};

/** Whether `identifier` names a namespace import of stepgraph (`import * as sg from "stepgraph"`). */
const isLibraryNamespace = (identifier: Node, options: ts.CompilerOptions): boolean =>
  (identifier.getSymbol()?.getDeclarations() ?? []).some(
    (declaration) => Node.isNamespaceImport(declaration) && importsLibrary(declaration, options),
  );

/** Local names a file imports (named and namespace), so most calls are rejected without the checker. */
export const importedNames = (sourceFile: SourceFile): ReadonlySet<string> => {
  const names = new Set<string>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    for (const specifier of declaration.getNamedImports()) names.add((specifier.getAliasNode() ?? specifier.getNameNode()).getText());
    const namespace = declaration.getNamespaceImport();
    if (namespace !== undefined) names.add(namespace.getText());
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
