/**
 * Finds what a file declares: every variable (or default or CommonJS
 * export) whose value is a pipeline or router, and every
 * `pipeline(...)`/`router(...)` chain that is not assigned anywhere (passed
 * inline, or run on the spot); then picks the ones that get a page.
 *
 * One page per value: a value held by several names (`export const api =
 * full`) is documented once, under the first exported name. Every exported
 * value gets a page. One that is not exported gets a page unless it is only
 * a stage of another: extended by another declaration
 * (`const base = ...; export const full = base.step(...)`) and not run as a
 * step or route. A page of a pipeline built from another variable records
 * which (`extends`).
 */
import { Node, SyntaxKind, type SourceFile, type VariableDeclaration } from "ts-morph";
import { followedValues, reachingValue } from "./assignments.js";
import { BUILDER_METHODS, evaluateBuilder, evaluateVariable, isConstant, mayBeBuilder } from "./builders.js";
import type { AnalysisContext } from "./context.js";
import { fileExports } from "./exports.js";
import { importedNames, stepgraphFunctionAt } from "./imports.js";
import type { PipelineValue, RouterValue, StaticDocument, StaticExtension } from "./model.js";
import { declarationOf, isWrapper, unwrap } from "./values.js";

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

/**
 * Whether the chain ending at `top` is documented under a name: a variable's
 * initializer or followed reassignment, a default or CommonJS export.
 */
const isNamed = (top: Node, named: ReadonlySet<object>): boolean => {
  if (named.has(unwrap(top).compilerNode)) return true;
  const parent = top.getParent();
  return parent !== undefined && (Node.isVariableDeclaration(parent) || Node.isExportAssignment(parent));
};

/** What `collectDocuments` found in a file. */
export interface FileDocuments {
  /** The documents that get a page, complete ones only, in source order. */
  readonly documents: ReadonlyArray<StaticDocument>;
  /** How many pipelines and routers the file declares, documented or not. */
  readonly found: number;
}

type Documented = PipelineValue | RouterValue;

interface Candidate extends StaticDocument {
  readonly position: number;
}

/** Whether `node` is worth evaluating as a builder value: a chain, or a name that may hold one. */
const mayHoldBuilder = (node: Node): boolean => mayBeBuilder(node) || Node.isIdentifier(unwrap(node));

/**
 * The variable `expression` extends with builder calls (`base` in
 * `base.step(...).configure(...)`), looking through the earlier values of
 * `self` when `expression` is one of its reassignments (`p = p.step(...)`).
 */
const extensionOf = (ctx: AnalysisContext, expression: Node, self?: VariableDeclaration): StaticExtension | undefined => {
  let node = unwrap(expression);
  let calls = 0;
  for (let hops = 0; hops < 1000; hops += 1) {
    while (Node.isCallExpression(node)) {
      const callee = unwrap(node.getExpression());
      if (!Node.isPropertyAccessExpression(callee) || !BUILDER_METHODS.has(callee.getName())) break;
      node = unwrap(callee.getExpression());
      calls += 1;
    }
    if (!Node.isIdentifier(node)) return undefined;
    if (self !== undefined && declarationOf(ctx, node) === self) {
      const earlier = reachingValue(self, node);
      if (!("node" in earlier)) return undefined;
      node = unwrap(earlier.node);
      continue;
    }
    if (calls === 0) return undefined;
    const value = evaluateBuilder(ctx, node);
    return value?.kind === "pipeline" ? { binding: node.getText(), value } : undefined;
  }
  return undefined;
};

/** The pipelines and routers `value` runs as steps or routes. */
const targetsOf = (value: Documented): Documented[] =>
  (value.kind === "router" ? value.routes.map((route) => route.target) : value.steps.map((step) => step.target)).filter(
    (target): target is Documented => target !== undefined,
  );

/** Picks one page per value, as the file comment says. */
const select = (candidates: ReadonlyArray<Candidate>): StaticDocument[] => {
  const complete = candidates.filter((candidate) => candidate.value.complete);
  const extended = new Set<Documented>(complete.flatMap((candidate) => (candidate.extends === undefined ? [] : [candidate.extends.value])));
  const runAsStep = new Set<Documented>(complete.flatMap((candidate) => targetsOf(candidate.value)));
  const groups = new Map<Documented, Candidate[]>();
  for (const candidate of complete) groups.set(candidate.value, [...(groups.get(candidate.value) ?? []), candidate]);
  const pages: Candidate[] = [];
  for (const [value, members] of groups) {
    const exported = members.find((member) => member.exported);
    if (exported === undefined && extended.has(value) && !runAsStep.has(value)) continue;
    const chosen = exported ?? members[0]!;
    const relation = chosen.extends ?? members.find((member) => member.extends !== undefined)?.extends;
    const { extends: _extends, ...rest } = chosen;
    pages.push(relation === undefined ? rest : { ...rest, extends: relation });
  }
  return pages.sort((a, b) => a.position - b.position).map(({ position: _position, ...document }) => document);
};

/** The pipelines and routers `sourceFile` declares, and the ones of them to document, in source order. */
export const collectDocuments = (ctx: AnalysisContext, sourceFile: SourceFile): FileDocuments => {
  const candidates: Candidate[] = [];
  const named = new Set<object>();
  const exports = fileExports(ctx, sourceFile);
  const add = (
    value: ReturnType<typeof evaluateBuilder>,
    binding: string | undefined,
    at: Node,
    exported: boolean,
    relation: StaticExtension | undefined,
  ) => {
    if (value?.kind !== "pipeline" && value?.kind !== "router") return;
    candidates.push({
      value,
      binding,
      location: ctx.locate(at),
      position: at.getStart(),
      exported,
      ...(relation === undefined ? {} : { extends: relation }),
    });
  };

  for (const declaration of sourceFile.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    const name = declaration.getNameNode();
    const binding = Node.isIdentifier(name) ? name.getText() : undefined;
    const exported = exports.declarations.has(declaration.compilerNode);
    if (isConstant(declaration)) {
      const initializer = declaration.getInitializer();
      if (initializer === undefined || !mayHoldBuilder(initializer)) continue;
      named.add(unwrap(initializer).compilerNode);
      const value = evaluateBuilder(ctx, initializer);
      add(value, binding, name, exported, value === undefined ? undefined : extensionOf(ctx, initializer));
      continue;
    }
    if (binding === undefined) continue;
    const values = followedValues(declaration);
    for (const value of values) named.add(unwrap(value).compilerNode);
    if (!values.some(mayHoldBuilder)) continue;
    const value = evaluateVariable(ctx, declaration, "end");
    const last = reachingValue(declaration, "end");
    add(value, binding, name, exported, value === undefined || !("node" in last) ? undefined : extensionOf(ctx, last.node, declaration));
  }
  for (const assignment of sourceFile.getExportAssignments()) {
    const expression = assignment.getExpression();
    if (!mayBeBuilder(expression)) continue;
    named.add(unwrap(expression).compilerNode);
    const value = evaluateBuilder(ctx, expression);
    add(value, assignment.isExportEquals() ? "export=" : "default", assignment, true, value === undefined ? undefined : extensionOf(ctx, expression));
  }
  for (const { binding, value: expression, at } of exports.commonJs) {
    if (!mayBeBuilder(expression)) continue;
    named.add(unwrap(expression).compilerNode);
    const value = evaluateBuilder(ctx, expression);
    add(value, binding, at, true, value === undefined ? undefined : extensionOf(ctx, expression));
  }

  const imported = importedNames(sourceFile);
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = unwrap(call.getExpression());
    const local = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
    if (!Node.isIdentifier(local) || !imported.has(local.getText())) continue;
    const created = stepgraphFunctionAt(callee, ctx.compilerOptions);
    if (created !== "pipeline" && created !== "router") continue;
    const top = chainTop(call);
    if (isNamed(top, named)) continue;
    add(evaluateBuilder(ctx, top), undefined, call, false, undefined);
  }
  return { documents: select(candidates), found: candidates.length };
};
