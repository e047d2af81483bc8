/**
 * What the editor shows when the cursor rests on a pipeline, or on a
 * builder method called on one: the pipeline's name-level facts (its name,
 * input, output, step ids, services) instead of the `Pipeline<…>` type with
 * the accumulated `Entry<…>` map and output index its types carry for the
 * compiler. Everything else is left to TypeScript's own hover.
 *
 * It works on types, not text: a value is a pipeline when its type has the
 * builder's phantom `"~flow"` member and a `step` method, and the facts are
 * the named type arguments of `Pipeline`, found by name, so reordering them
 * does not break the hover. The name is read from the `pipeline("…")` call
 * the value was built from, when that call is in the program's source.
 */
import type TS from "typescript";

/** Ids listed in full up to this many; beyond it, the first few and a count. */
const MAX_IDS_LISTED = 8;
/** How many ids a long list shows before "… and N more". */
const IDS_SHOWN_WHEN_LONG = 5;
/** Longest rendering of one type in the hover, in characters. */
const MAX_TYPE_LENGTH = 120;

/** A pipeline's facts, as the hover shows them. */
export interface PipelineFacts {
  /** The name given to `pipeline("…")`, when its call is in the program's source. */
  readonly name: string | undefined;
  readonly input: string;
  readonly output: string;
  readonly ids: ReadonlyArray<string>;
  /** `undefined` when the pipeline needs no services. */
  readonly services: string | undefined;
  /** The Effect services its Effect steps require; `undefined` for none. */
  readonly requirements: string | undefined;
  /** The payload types of `ctx.stop(...)`; `undefined` when no step stops. */
  readonly stop: string | undefined;
}

/** The deepest node of `file` that spans or ends at `position` (a cursor just after a name is on it, as in TypeScript's own hover). */
const nodeAt = (ts: typeof TS, file: TS.SourceFile, position: number): TS.Node | undefined => {
  const visit = (node: TS.Node): TS.Node | undefined => {
    if (position < node.getStart(file) || position > node.getEnd()) return undefined;
    return ts.forEachChild(node, visit) ?? node;
  };
  return visit(file);
};

/** The type arguments of a `Pipeline<…>` reference by type parameter name, or `undefined` if `type` is not a pipeline. */
const pipelineArguments = (ts: typeof TS, checker: TS.TypeChecker, type: TS.Type): Map<string, TS.Type> | undefined => {
  if (type.getProperty("~flow") === undefined || type.getProperty("step") === undefined) return undefined;
  if (!(type.flags & ts.TypeFlags.Object) || !((type as TS.ObjectType).objectFlags & ts.ObjectFlags.Reference)) return undefined;
  const reference = type as TS.TypeReference;
  const parameters = reference.target.typeParameters ?? [];
  const values = checker.getTypeArguments(reference);
  if (reference.target.symbol?.name !== "Pipeline" || values.length < parameters.length) return undefined;
  return new Map(parameters.map((parameter, index) => [parameter.symbol.name, values[index]!]));
};

const render = (ts: typeof TS, checker: TS.TypeChecker, type: TS.Type, at: TS.Node): string => {
  const text = checker.typeToString(type, at, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
  const oneLine = text.replace(/\s*\n\s*/g, " ");
  return oneLine.length <= MAX_TYPE_LENGTH ? oneLine : `${oneLine.slice(0, MAX_TYPE_LENGTH - 1)}…`;
};

/** `undefined` for the types that mean "none" in a pipeline's slots: never, unknown, {} and undefined. */
const renderUnlessNone = (ts: typeof TS, checker: TS.TypeChecker, type: TS.Type | undefined, at: TS.Node): string | undefined => {
  if (type === undefined || type.flags & (ts.TypeFlags.Never | ts.TypeFlags.Unknown | ts.TypeFlags.Any | ts.TypeFlags.Undefined)) return undefined;
  if (type.flags & ts.TypeFlags.Object && checker.getPropertiesOfType(type).length === 0 && type.getCallSignatures().length === 0) return undefined;
  return render(ts, checker, type, at);
};

/** The string literals of a union of them (the step ids), in the order the compiler lists them (declaration order, unless a literal type was made earlier elsewhere). */
const literals = (ts: typeof TS, type: TS.Type | undefined): string[] => {
  if (type === undefined) return [];
  const members = type.isUnion() ? type.types : [type];
  return members.filter((member): member is TS.StringLiteralType => (member.flags & ts.TypeFlags.StringLiteral) !== 0).map((member) => member.value);
};

/**
 * The name of the pipeline an expression was built from: follows a chain of
 * method calls (`pipeline("doc").step(…).step(…)`) and variables holding one
 * down to a `pipeline("…")` call with a string literal.
 */
const pipelineName = (ts: typeof TS, checker: TS.TypeChecker, start: TS.Node): string | undefined => {
  let node: TS.Node | undefined = start;
  for (let hops = 0; node !== undefined && hops < 10_000; hops++) {
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node)) {
      node = node.expression;
    } else if (ts.isCallExpression(node)) {
      const callee: TS.Expression = node.expression;
      if (ts.isIdentifier(callee) && callee.text === "pipeline") {
        const first = node.arguments[0];
        return first !== undefined && ts.isStringLiteralLike(first) ? first.text : undefined;
      }
      node = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
    } else if (ts.isPropertyAccessExpression(node)) {
      node = node.expression;
    } else if (ts.isIdentifier(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      const resolved = symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declaration = resolved?.valueDeclaration;
      node = declaration !== undefined && ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
    } else if (ts.isVariableDeclaration(node)) {
      node = node.initializer;
    } else {
      return undefined;
    }
  }
  return undefined;
};

/** The facts of the pipeline `type`, or `undefined` if it is not one. `at` is where names are resolved from; `source` is the expression or declaration the value comes from, for the name. */
export const pipelineFacts = (
  ts: typeof TS,
  checker: TS.TypeChecker,
  type: TS.Type,
  at: TS.Node,
  source: TS.Node | undefined,
): PipelineFacts | undefined => {
  const args = pipelineArguments(ts, checker, type);
  if (args === undefined) return undefined;
  const input = args.get("Input");
  const output = args.get("Output");
  return {
    name: source === undefined ? undefined : pipelineName(ts, checker, source),
    input: input === undefined ? "unknown" : render(ts, checker, input, at),
    output: output === undefined ? "unknown" : render(ts, checker, output, at),
    ids: literals(ts, args.get("Ids")),
    services: renderUnlessNone(ts, checker, args.get("Services"), at),
    requirements: renderUnlessNone(ts, checker, args.get("Requirements"), at),
    stop: renderUnlessNone(ts, checker, args.get("Stop"), at),
  };
};

const idList = (ids: ReadonlyArray<string>): string =>
  ids.length <= MAX_IDS_LISTED
    ? ids.join(", ")
    : `${ids.slice(0, IDS_SHOWN_WHEN_LONG).join(", ")}, … and ${ids.length - IDS_SHOWN_WHEN_LONG} more (last: ${ids[ids.length - 1]})`;

const stepCount = (count: number): string => `${count} step${count === 1 ? "" : "s"}`;

/** The lines of a pipeline's hover, after its heading. */
export const factLines = (facts: PipelineFacts): string[] => [
  `input:    ${facts.input}`,
  `output:   ${facts.output}`,
  ...(facts.ids.length > 0 ? [`steps:    ${idList(facts.ids)}`] : []),
  ...(facts.services !== undefined ? [`services: ${facts.services}`] : []),
  ...(facts.requirements !== undefined ? [`requires: ${facts.requirements} (give run a layer or runtime)`] : []),
  ...(facts.stop !== undefined ? [`stops:    ${facts.stop}`] : []),
];

const heading = (facts: PipelineFacts): string =>
  `pipeline${facts.name === undefined ? "" : ` "${facts.name}"`}, ${stepCount(facts.ids.length)}`;

const textPart = (text: string): TS.SymbolDisplayPart => ({ text, kind: "text" });

/** The keyword a hover on a declared name starts with, as TypeScript's own would (`const p: …`). */
const declarationKeyword = (ts: typeof TS, declaration: TS.Declaration | undefined): string | undefined => {
  if (declaration === undefined) return undefined;
  if (ts.isVariableDeclaration(declaration)) {
    const list = declaration.parent;
    if (!ts.isVariableDeclarationList(list)) return "var";
    return list.flags & ts.NodeFlags.Const ? "const" : list.flags & ts.NodeFlags.Let ? "let" : "var";
  }
  if (ts.isParameter(declaration)) return "(parameter)";
  if (ts.isPropertyDeclaration(declaration) || ts.isPropertySignature(declaration) || ts.isPropertyAssignment(declaration)) return "(property)";
  return undefined;
};

/** The node whose text is the builder method's call, when `name` is the method name of `receiver.method(...)`. */
const calledMethod = (ts: typeof TS, name: TS.Identifier): TS.CallExpression | undefined => {
  const access = name.parent;
  if (!ts.isPropertyAccessExpression(access) || access.name !== name) return undefined;
  const call = access.parent;
  return ts.isCallExpression(call) && call.expression === access ? call : undefined;
};

/**
 * The hover at `position` in `fileName`, when it rests on a pipeline value
 * or on a method called on one; `undefined` to leave it to TypeScript.
 * `prior` is TypeScript's own hover there, whose range, kind and
 * documentation are kept.
 */
export const pipelineQuickInfo = (
  ts: typeof TS,
  program: TS.Program,
  fileName: string,
  position: number,
  prior: TS.QuickInfo | undefined,
): TS.QuickInfo | undefined => {
  const file = program.getSourceFile(fileName);
  if (file === undefined || prior === undefined) return undefined;
  const node = nodeAt(ts, file, position);
  if (node === undefined || !ts.isIdentifier(node)) return undefined;
  const checker = program.getTypeChecker();

  const call = calledMethod(ts, node);
  if (call !== undefined) {
    const access = call.expression as TS.PropertyAccessExpression;
    const receiver = pipelineFacts(ts, checker, checker.getTypeAtLocation(access.expression), node, access.expression);
    if (receiver === undefined) return undefined;
    const method = node.text;
    const returned = checker.getResolvedSignature(call)?.getReturnType();
    const after = returned === undefined ? undefined : pipelineFacts(ts, checker, returned, node, undefined);
    const on = `pipeline${receiver.name === undefined ? "" : ` "${receiver.name}"`}`;
    const id = call.arguments[0];
    const added = id !== undefined && ts.isStringLiteralLike(id) ? `"${id.text}"` : "";
    const lines =
      method === "step" && after !== undefined
        ? [`(method) ${on}.step(id, options?, run): adds step ${added}`.trimEnd(), `output:   ${after.output}`, `then:     ${stepCount(after.ids.length)}`]
        : after !== undefined
          ? [`(method) ${on}.${method}(…): a pipeline`, ...factLines({ ...after, name: receiver.name })]
          : [`(method) ${on}.${method}(…): ${returned === undefined ? "unknown" : render(ts, checker, returned, node)}`];
    return { ...prior, displayParts: [textPart(lines.join("\n"))] };
  }

  const symbol = checker.getSymbolAtLocation(node);
  // An imported name: the facts and the keyword are the declaration's it imports, shown as TypeScript does, `(alias) const …`.
  const alias = symbol !== undefined && (symbol.flags & ts.SymbolFlags.Alias) !== 0;
  const declared = alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = declared?.valueDeclaration ?? declared?.declarations?.[0];
  const facts = pipelineFacts(ts, checker, checker.getTypeAtLocation(node), node, declaration ?? node);
  if (facts === undefined) return undefined;
  const keyword = [alias ? "(alias)" : undefined, declarationKeyword(ts, declaration)].filter((word) => word !== undefined).join(" ");
  const lines = [`${keyword === "" ? "" : `${keyword} `}${node.text}: ${heading(facts)}`, ...factLines(facts).map((line) => `  ${line}`)];
  return { ...prior, displayParts: [textPart(lines.join("\n"))] };
};
