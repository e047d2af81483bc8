/**
 * State shared by one analysis run: the project, the diagnostics found so
 * far, and caches that make every expression evaluate at most once.
 */
import type { Node, Project, TypeChecker, ts } from "ts-morph";
import type { BuilderValue, Diagnostic, SourceLocation } from "./model.js";

/**
 * Evaluates `node` to the pipeline, router or agent it builds (see
 * `evaluateBuilder` in builders.ts). The readers of nested builder values
 * (router routes, `.step` functions) take it as a parameter, so that they do
 * not import builders.ts back.
 */
export type BuilderEvaluator = (ctx: AnalysisContext, node: Node) => BuilderValue | undefined;

/** The mutable state of one analysis run. Create one per ts-morph Project. */
export class AnalysisContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Builder values by the compiler node of the expression that produced them (`null`: not a builder). */
  readonly builders = new Map<object, BuilderValue | null>();
  /** Compiler nodes whose builder value is being evaluated, to stop on cycles. */
  readonly inProgress = new Set<object>();
  /** Compiler nodes whose plain value is being evaluated, to stop on cycles. */
  readonly evaluating = new Set<object>();
  private readonly reported = new Set<string>();
  private checkerInstance: TypeChecker | undefined;

  readonly compilerOptions: ts.CompilerOptions;

  constructor(readonly project: Project) {
    this.compilerOptions = project.getCompilerOptions();
  }

  get checker(): TypeChecker {
    this.checkerInstance ??= this.project.getTypeChecker();
    return this.checkerInstance;
  }

  /** Where `node` starts, 1-based. */
  locate(node: Node): SourceLocation {
    const sourceFile = node.getSourceFile();
    const { line, column } = sourceFile.getLineAndColumnAtPos(node.getStart());
    return { file: sourceFile.getFilePath(), line, column };
  }

  /** Records a warning at `node`, once per place and message. */
  warn(node: Node, message: string): void {
    this.report({ severity: "warning", location: this.locate(node), message });
  }

  /** Records a diagnostic, once per place and message. */
  report(diagnostic: Diagnostic): void {
    const where = diagnostic.location;
    const key = `${where?.file}:${where?.line}:${where?.column}:${diagnostic.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(diagnostic);
  }
}

/** Source text for a message: one line, at most 60 characters. */
export const snippet = (node: Node): string => {
  const text = node.getText().replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
