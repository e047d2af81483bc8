/**
 * Which steps a pipeline value has, found with the type checker: a pipeline
 * expression is followed back through its `.step`/`.configure`/`.withServices`
 * calls, and through the symbols of the variables, imports and properties
 * that hold it (in any file of the program), to the `pipeline(...)` call it
 * starts from. Where that trail ends (a parameter, a function's return value),
 * the expression's type is matched against the type of every pipeline built
 * in the program. Each step is known by its `.step("id"` literal, so two
 * pipelines with the same id never meet.
 */
import type TS from "typescript";

/** One `.step("id", ...)` call: the literal that declares the id. */
export interface StepDeclaration {
  readonly id: string;
  readonly literal: TS.StringLiteralLike;
  readonly call: TS.CallExpression;
}

/** The steps a pipeline value has, newest first (`earlier` links back to the start). */
export interface Chain {
  readonly step?: StepDeclaration;
  readonly earlier?: Chain;
  /** The `pipeline(...)` call the chain starts from, when it was reached. */
  readonly root?: TS.CallExpression;
}

/** The methods that return the same pipeline with one step more or the same steps. */
const CHAIN_METHODS = new Set(["step", "configure", "withServices"]);
/** The methods whose result holds `outputs` by step id. */
const RESULT_METHODS = new Set(["run", "toEffect"]);

/** The step of `chain` declaring `id` (the latest, should the code declare it twice). */
export const stepIn = (chain: Chain | undefined, id: string): StepDeclaration | undefined => {
  for (let link = chain; link !== undefined; link = link.earlier) if (link.step?.id === id) return link.step;
  return undefined;
};

/** The `pipeline(...)` call a chain starts from. */
export const rootOf = (chain: Chain | undefined): TS.CallExpression | undefined => {
  let link = chain;
  while (link?.earlier !== undefined) link = link.earlier;
  return link?.root;
};

export type Chains = ReturnType<typeof chainsFor>;

/** The chain resolution for one program; results are cached until the program changes. */
export const chainsFor = (ts: typeof TS, program: TS.Program) => {
  const checker = program.getTypeChecker();
  const chains = new Map<TS.Node, Chain | undefined>();
  const results = new Map<TS.Node, Chain | undefined>();
  let byType: Map<TS.Type, TS.Expression[]> | undefined;
  let byOutputs: Map<TS.Type, TS.Expression[]> | undefined;

  const skipOuter = (node: TS.Expression): TS.Expression => {
    let expression = node;
    for (;;) {
      if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isNonNullExpression(expression) || ts.isTypeAssertionExpression(expression)) {
        expression = expression.expression;
      } else return expression;
    }
  };

  /** A stepgraph pipeline: it has `step`, `configure` and the phantom `~flow` that routers and sub-pipeline steps read. */
  const isPipelineType = (type: TS.Type): boolean =>
    type.getProperty("step") !== undefined && type.getProperty("configure") !== undefined && type.getProperty("~flow") !== undefined;

  const isPipeline = (expression: TS.Expression): boolean => isPipelineType(checker.getTypeAtLocation(expression));

  /** `receiver.method(...)` with a pipeline receiver: the receiver, else undefined. */
  const pipelineReceiver = (call: TS.CallExpression, methods: ReadonlySet<string>): TS.Expression | undefined => {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !methods.has(callee.name.text)) return undefined;
    return isPipeline(callee.expression) ? callee.expression : undefined;
  };

  /** The `.step("id"` a call declares, if it is a pipeline's `step` call with a literal id. */
  const declarationOf = (call: TS.CallExpression): StepDeclaration | undefined => {
    const callee = call.expression;
    const literal = call.arguments[0];
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== "step" || literal === undefined || !ts.isStringLiteralLike(literal)) return undefined;
    return pipelineReceiver(call, CHAIN_METHODS) === undefined ? undefined : { id: literal.text, literal, call };
  };

  const symbolOf = (node: TS.Node): TS.Symbol | undefined => {
    const symbol = checker.getSymbolAtLocation(node);
    return symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  };

  /** The expression a symbol's declaration gives it, when it is given one there. */
  const valueOf = (symbol: TS.Symbol | undefined): TS.Expression | undefined => {
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (declaration === undefined) return undefined;
    if ((ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration) || ts.isPropertyAssignment(declaration)) && declaration.initializer !== undefined) {
      return declaration.initializer;
    }
    if (ts.isExportAssignment(declaration)) return declaration.expression;
    if (ts.isShorthandPropertyAssignment(declaration)) return valueOf(checker.getShorthandAssignmentValueSymbol(declaration)) ?? undefined;
    return undefined;
  };

  /** Follows a value expression (an identifier, a property) to the expression it was given. */
  const followed = (expression: TS.Expression): TS.Expression | undefined =>
    ts.isIdentifier(expression) ? valueOf(symbolOf(expression)) : ts.isPropertyAccessExpression(expression) ? valueOf(symbolOf(expression.name)) : undefined;

  /** The steps of the pipeline `node` evaluates to. */
  const chainOf = (node: TS.Expression): Chain | undefined => {
    const expression = skipOuter(node);
    if (chains.has(expression)) return chains.get(expression);
    chains.set(expression, undefined); // a cycle through declarations ends here
    const chain = computeChain(expression);
    chains.set(expression, chain);
    return chain;
  };

  const computeChain = (expression: TS.Expression): Chain | undefined => {
    if (ts.isCallExpression(expression)) {
      const receiver = pipelineReceiver(expression, CHAIN_METHODS);
      if (receiver !== undefined) {
        const earlier = chainOf(receiver);
        if (earlier === undefined) return undefined;
        const step = declarationOf(expression);
        return step === undefined ? earlier : { step, earlier };
      }
      if (isPipeline(expression) && isPipelineFactory(expression)) return { root: expression };
    }
    const value = followed(expression);
    if (value !== undefined) return chainOf(value);
    return chainByType(expression);
  };

  /** A call of stepgraph's `pipeline` (by whatever name it was imported). */
  const isPipelineFactory = (call: TS.CallExpression): boolean => {
    const callee = skipOuter(call.expression);
    const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    return name !== undefined && symbolOf(name)?.name === "pipeline";
  };

  /** Every outermost pipeline chain in the program's own files (not declaration files, not node_modules). */
  const chainEnds = (): TS.Expression[] => {
    const ends: TS.Expression[] = [];
    for (const file of program.getSourceFiles()) {
      if (file.isDeclarationFile || file.fileName.includes("/node_modules/")) continue;
      const visit = (node: TS.Node): void => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && CHAIN_METHODS.has(node.expression.name.text)) {
          const parent = node.parent;
          const continued = ts.isPropertyAccessExpression(parent) && CHAIN_METHODS.has(parent.name.text) && ts.isCallExpression(parent.parent);
          if (!continued && isPipeline(node)) ends.push(node);
        }
        ts.forEachChild(node, visit);
      };
      if (file.text.includes(".step(")) visit(file);
    }
    return ends;
  };

  /** The one chain among `candidates` (all the same if several), or undefined when they differ. */
  const single = (candidates: readonly TS.Expression[] | undefined, resolve: (expression: TS.Expression) => Chain | undefined): Chain | undefined => {
    let found: Chain | undefined;
    for (const candidate of candidates ?? []) {
      const chain = resolve(candidate);
      if (chain === undefined) continue;
      if (found !== undefined && found.step !== chain.step) return undefined;
      found = chain;
    }
    return found;
  };

  /** A pipeline known only by its type (a parameter, a function's result): the pipeline built in the program with that very type. */
  const chainByType = (expression: TS.Expression): Chain | undefined => {
    const type = checker.getTypeAtLocation(expression);
    if (!isPipelineType(type)) return undefined;
    if (byType === undefined) {
      byType = new Map();
      for (const end of chainEnds()) {
        const endType = checker.getTypeAtLocation(end);
        byType.set(endType, [...(byType.get(endType) ?? []), end]);
      }
    }
    return single(
      byType.get(type)?.filter((candidate) => candidate !== expression),
      chainOf,
    );
  };

  /** The types `outputs` has on the results of a pipeline type's `run` (the completed one, the stopped one, and either). */
  const outputsTypesOf = (pipelineType: TS.Type): TS.Type[] => {
    const run = pipelineType.getProperty("run");
    if (run === undefined) return [];
    // Every signature: `run` has an overload before the real one, for calls missing their options, which returns a message.
    const found: TS.Type[] = [];
    for (const signature of checker.getSignaturesOfType(checker.getTypeOfSymbol(run), ts.SignatureKind.Call)) {
      const result = checker.getAwaitedType(signature.getReturnType());
      if (result === undefined) continue;
      for (const candidate of [result, ...(result.isUnion() ? result.types : [])]) {
        const outputs = candidate.getProperty("outputs");
        if (outputs !== undefined) found.push(checker.getTypeOfSymbol(outputs));
      }
    }
    return found;
  };

  /** The pipeline whose result's `outputs` has exactly this type (a result passed around, a batch's outcome). */
  const resultChainByOutputs = (outputs: TS.Type): Chain | undefined => {
    if (byOutputs === undefined) {
      byOutputs = new Map();
      for (const end of chainEnds()) {
        for (const type of outputsTypesOf(checker.getTypeAtLocation(end))) byOutputs.set(type, [...(byOutputs.get(type) ?? []), end]);
      }
    }
    return single(byOutputs.get(outputs), chainOf);
  };

  /** The steps of the pipeline whose result `node` is (`await p.run(...)`, `yield* p.toEffect(...)`, a variable holding one). */
  const resultChainOf = (node: TS.Expression): Chain | undefined => {
    const expression = skipOuter(node);
    if (results.has(expression)) return results.get(expression);
    results.set(expression, undefined);
    const chain = syntacticResultChain(expression) ?? resultChainByType(expression);
    results.set(expression, chain);
    return chain;
  };

  const syntacticResultChain = (expression: TS.Expression): Chain | undefined => {
    if (ts.isAwaitExpression(expression)) return resultChainOf(expression.expression);
    if (ts.isYieldExpression(expression) && expression.asteriskToken !== undefined && expression.expression !== undefined) return resultChainOf(expression.expression);
    if (ts.isCallExpression(expression)) {
      const receiver = pipelineReceiver(expression, RESULT_METHODS);
      return receiver === undefined ? undefined : chainOf(receiver);
    }
    const value = followed(expression);
    return value === undefined ? undefined : resultChainOf(value);
  };

  /** A result known only by its type: the pipeline whose results' `outputs` have that very type (of the result, or of one of its members). */
  const resultChainByType = (expression: TS.Expression): Chain | undefined => {
    const type = checker.getTypeAtLocation(expression);
    const byMember = (member: TS.Type): Chain | undefined => {
      const outputs = member.getProperty("outputs");
      return outputs === undefined ? undefined : resultChainByOutputs(checker.getTypeOfSymbol(outputs));
    };
    const whole = byMember(type);
    if (whole !== undefined || !type.isUnion()) return whole;
    // A completed-or-stopped result: both members must be the same pipeline's (a router's routes are not).
    const members = type.types.map(byMember);
    const first = members[0];
    return first !== undefined && members.every((chain) => chain !== undefined && chain.step === first.step) ? first : undefined;
  };

  /** The step declaring `id` in the pipeline whose step `call` is (`after` and `ctx.dep` of that step name the steps before it). */
  const earlierStep = (call: TS.CallExpression, id: string): StepDeclaration | undefined => {
    const receiver = pipelineReceiver(call, CHAIN_METHODS);
    return receiver === undefined ? undefined : stepIn(chainOf(receiver), id);
  };

  return { skipOuter, isPipeline, pipelineReceiver, declarationOf, symbolOf, chainOf, resultChainOf, earlierStep };
};
