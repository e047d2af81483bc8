/**
 * Follows a `let` (or `var`) variable through its reassignments:
 * `let p = pipeline("x"); p = p.step("a", ...); p = p.step("b", ...)`.
 *
 * Only assignments that are statements of their own in the block that
 * declares the variable are followed, in order. One anywhere else (in an
 * `if` branch, a loop, a `try`, a nested function, inside another
 * expression) is not: the value after it (or, inside a function, anywhere)
 * is reported as unknown, naming that assignment.
 */
import { Node, SyntaxKind, type VariableDeclaration } from "ts-morph";

/** Where a variable's value at some point comes from. */
export type Reaching =
  /** The expression last assigned (or the initializer). */
  | { readonly node: Node }
  /** Nothing assigned yet: the value is `undefined`. */
  | { readonly unassigned: true }
  /** An assignment that cannot be followed decides it; `reason` says so in a sentence. */
  | { readonly assignment: Node; readonly reason: string };

const FOLLOWED = "the analyser follows only plain `=` assignments that are statements of their own in the block that declares the variable";

const ASSIGNMENTS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.EqualsToken,
  SyntaxKind.PlusEqualsToken,
  SyntaxKind.MinusEqualsToken,
  SyntaxKind.AsteriskEqualsToken,
  SyntaxKind.SlashEqualsToken,
  SyntaxKind.QuestionQuestionEqualsToken,
  SyntaxKind.BarBarEqualsToken,
  SyntaxKind.AmpersandAmpersandEqualsToken,
]);

/** Whether `node` starts code that may run at another time than the statement around it. */
const isFunctionLike = (node: Node): boolean =>
  Node.isArrowFunction(node) ||
  Node.isFunctionExpression(node) ||
  Node.isFunctionDeclaration(node) ||
  Node.isMethodDeclaration(node) ||
  Node.isGetAccessorDeclaration(node) ||
  Node.isSetAccessorDeclaration(node) ||
  Node.isConstructorDeclaration(node) ||
  Node.isClassStaticBlockDeclaration(node);

/** What an assignment nested in `construct` is inside of, for a message. */
const describeConstruct = (construct: Node): string => {
  if (isFunctionLike(construct)) return "a function";
  if (Node.isIfStatement(construct)) return "an `if` statement";
  if (Node.isConditionalExpression(construct)) return "a conditional expression";
  if (
    Node.isForStatement(construct) ||
    Node.isForOfStatement(construct) ||
    Node.isForInStatement(construct) ||
    Node.isWhileStatement(construct) ||
    Node.isDoStatement(construct)
  ) {
    return "a loop";
  }
  if (Node.isSwitchStatement(construct) || Node.isCaseClause(construct) || Node.isDefaultClause(construct)) return "a `switch` statement";
  if (Node.isTryStatement(construct) || Node.isCatchClause(construct)) return "a `try` statement";
  if (Node.isBinaryExpression(construct)) return "a condition";
  if (Node.isBlock(construct)) return "a nested block";
  if (Node.isLabeledStatement(construct)) return "a labelled statement";
  return "another expression";
};

/** The statements of the block, module or file that holds the variable statement `statement`. */
const siblingsOf = (statement: Node): ReadonlyArray<Node> | undefined => {
  const container = statement.getParent();
  if (container === undefined) return undefined;
  if (Node.isSourceFile(container) || Node.isBlock(container) || Node.isModuleBlock(container) || Node.isCaseClause(container) || Node.isDefaultClause(container)) {
    return container.getStatements();
  }
  return undefined;
};

/** The index of the statement among `statements` that holds `node`, and whether a function lies between them. */
const holdingStatement = (node: Node, statements: ReadonlyArray<Node>): { readonly index: number; readonly inFunction: boolean } | undefined => {
  const container = statements[0]?.getParent();
  let inFunction = false;
  let current: Node = node;
  for (let parent = current.getParent(); parent !== undefined; current = parent, parent = parent.getParent()) {
    if (parent === container) return { index: statements.indexOf(current), inFunction };
    if (isFunctionLike(parent)) inFunction = true;
  }
  return undefined;
};

/**
 * What makes an assignment below the statement `top` conditional: a function
 * around it, else `top` itself (an `if`, a loop, ...), or, when `top` is a
 * plain statement, the expression it is nested in.
 */
const constructBetween = (node: Node, top: Node): Node => {
  let innermost: Node | undefined;
  for (let parent = node.getParent(); parent !== undefined && parent !== top; parent = parent.getParent()) {
    if (isFunctionLike(parent)) return parent;
    if (!Node.isExpressionStatement(parent) && !Node.isParenthesizedExpression(parent)) innermost ??= parent;
  }
  const plain = Node.isExpressionStatement(top) || Node.isVariableStatement(top) || Node.isReturnStatement(top) || Node.isExportAssignment(top);
  return plain ? (innermost ?? top) : top;
};

interface Assignment {
  readonly node: Node;
  readonly index: number;
  /** The assigned expression, when the assignment is followed. */
  readonly value?: Node;
  /** Why it is not followed: "inside an `if` statement". */
  readonly reason?: string;
  /** It may run at any time (in a function, or outside the declaring block), so it hides every value. */
  readonly inFunction: boolean;
}

/** Assignments by the compiler node of the variable declaration, since every read of the variable asks. */
const assignmentCache = new WeakMap<object, ReadonlyArray<Assignment>>();

/** Every assignment to `declaration`'s variable in its file, in source order, classified as followed or not. */
const assignmentsTo = (declaration: VariableDeclaration, statements: ReadonlyArray<Node>): ReadonlyArray<Assignment> => {
  const cached = assignmentCache.get(declaration.compilerNode);
  if (cached !== undefined) return cached;
  const found = findAssignments(declaration, statements);
  assignmentCache.set(declaration.compilerNode, found);
  return found;
};

const findAssignments = (declaration: VariableDeclaration, statements: ReadonlyArray<Node>): Assignment[] => {
  const name = declaration.getName();
  const symbol = declaration.getSymbol()?.compilerSymbol;
  const found: Assignment[] = [];
  for (const binary of declaration.getSourceFile().getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const operator = binary.getOperatorToken().getKind();
    if (!ASSIGNMENTS.has(operator)) continue;
    let left = binary.getLeft();
    while (Node.isParenthesizedExpression(left)) left = left.getExpression();
    if (!Node.isIdentifier(left) || left.getText() !== name || left.getSymbol()?.compilerSymbol !== symbol) continue;
    const held = holdingStatement(binary, statements);
    if (held === undefined) {
      found.push({ node: binary, index: -1, inFunction: true, reason: "outside the block that declares it" });
      continue;
    }
    const statement = statements[held.index]!;
    const direct = Node.isExpressionStatement(statement) && statement.getExpression() === binary;
    if (direct && operator === SyntaxKind.EqualsToken) {
      found.push({ node: binary, index: held.index, inFunction: false, value: binary.getRight() });
    } else if (direct) {
      found.push({ node: binary, index: held.index, inFunction: false, reason: `with \`${binary.getOperatorToken().getText()}\`` });
    } else {
      const construct = constructBetween(binary, statement);
      found.push({ node: binary, index: held.index, inFunction: held.inFunction || isFunctionLike(construct), reason: `inside ${describeConstruct(construct)}` });
    }
  }
  return found;
};

/**
 * Where the value of `declaration`'s variable comes from when `reference`
 * reads it (`"end"`: once the code around it has run, as an importer sees it).
 * `declaration` must be a `let` or `var`.
 */
export const reachingValue = (declaration: VariableDeclaration, reference: Node | "end"): Reaching => {
  const name = declaration.getName();
  const list = declaration.getParent();
  const statement = list.getParent();
  const statements = Node.isVariableStatement(statement) ? siblingsOf(statement) : undefined;
  if (statements === undefined) {
    return { assignment: declaration, reason: `\`${name}\` is declared in a loop header, where the analyser does not follow its assignments; \`${name}\` is not documented` };
  }
  const declared = statements.indexOf(statement);
  const assignments = assignmentsTo(declaration, statements);

  const inFunction = assignments.find((assignment) => assignment.inFunction);
  if (inFunction !== undefined) {
    const when = inFunction.index === -1 ? "" : ", which may run at any time";
    return { assignment: inFunction.node, reason: `\`${name}\` is reassigned ${inFunction.reason}${when}; \`${name}\` is not documented` };
  }

  let index = statements.length;
  let readInFunction = false;
  if (reference !== "end" && reference.getSourceFile() === declaration.getSourceFile()) {
    const held = holdingStatement(reference, statements);
    if (held !== undefined) {
      index = held.index;
      readInFunction = held.inFunction;
    }
  }
  if (readInFunction) {
    const later = assignments.find((assignment) => assignment.index >= index);
    if (later !== undefined) {
      return { assignment: later.node, reason: `\`${name}\` is read in a function that may run before or after this reassignment; \`${name}\` is not documented there` };
    }
  }
  // The last assignment that has run by then, in source order; one that is not followed (even in the statement that reads it) hides the rest.
  const last = assignments.filter((assignment) => assignment.index < index || (assignment.value === undefined && assignment.index === index)).at(-1);
  if (last?.value !== undefined) return { node: last.value };
  if (last !== undefined) return { assignment: last.node, reason: `\`${name}\` is reassigned ${last.reason}, and ${FOLLOWED}; \`${name}\` is not documented from here on` };
  const initializer = declaration.getInitializer();
  if (initializer !== undefined && (declared < index || readInFunction)) return { node: initializer };
  return { unassigned: true };
};

/** The assigned expressions of `declaration`'s variable that are followed, in order (the initializer first). */
export const followedValues = (declaration: VariableDeclaration): Node[] => {
  const list = declaration.getParent();
  const statement = list.getParent();
  const statements = Node.isVariableStatement(statement) ? siblingsOf(statement) : undefined;
  const initializer = declaration.getInitializer();
  const values: Node[] = initializer === undefined ? [] : [initializer];
  if (statements === undefined) return values;
  for (const assignment of assignmentsTo(declaration, statements)) if (assignment.value !== undefined) values.push(assignment.value);
  return values;
};
