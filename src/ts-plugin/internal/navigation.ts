/**
 * Go to definition, find references and rename for step ids, over one
 * language service's program: the use at a position, and every use of the
 * same step (the same `.step("id"` literal) in the program's own files.
 */
import type TS from "typescript";
import { chainsFor, rootOf, type StepDeclaration } from "./chains.js";
import { usesFor, type StepIdUse } from "./uses.js";

/** The text span of an id as written, without the quotes of a string literal. */
export const spanOf = (ts: typeof TS, node: TS.StringLiteralLike | TS.Identifier): TS.TextSpan => {
  const start = node.getStart();
  return ts.isIdentifier(node) ? { start, length: node.getEnd() - start } : { start: start + 1, length: Math.max(0, node.getEnd() - start - 2) };
};

export type Navigation = ReturnType<typeof navigationFor>;

/** Navigation over one program (the analysis of a program is kept until the program changes). */
export const navigationFor = (ts: typeof TS, program: TS.Program) => {
  const chains = chainsFor(ts, program);
  const { useOf } = usesFor(ts, chains);
  const everyUse = new Map<StepDeclaration["literal"], StepIdUse[]>();

  /** The innermost node at `position` (or just before it: a cursor at the end of a word). */
  const nodeAt = (file: TS.SourceFile, position: number): TS.Node | undefined => {
    const find = (at: number): TS.Node | undefined => {
      let found: TS.Node | undefined;
      const visit = (node: TS.Node): void => {
        if (node.getStart(file) <= at && at < node.getEnd()) {
          found = node;
          ts.forEachChild(node, visit);
        }
      };
      ts.forEachChild(file, visit);
      return found;
    };
    const node = find(position);
    return node !== undefined && (ts.isStringLiteralLike(node) || ts.isIdentifier(node)) ? node : find(position - 1);
  };

  /** The step id use at a position of a file, if there is one. */
  const useAt = (fileName: string, position: number): StepIdUse | undefined => {
    const file = program.getSourceFile(fileName);
    const node = file === undefined ? undefined : nodeAt(file, position);
    return node === undefined ? undefined : useOf(node);
  };

  /** Every use of a step's id in the program's own files, its declaration first. */
  const usesOf = (step: StepDeclaration): StepIdUse[] => {
    const known = everyUse.get(step.literal);
    if (known !== undefined) return known;
    const found: StepIdUse[] = [];
    for (const file of program.getSourceFiles()) {
      // Only a prefilter: each candidate is tied to its step by the checker below.
      if (file.isDeclarationFile || file.fileName.includes("/node_modules/") || !file.text.includes(step.id)) continue;
      const visit = (node: TS.Node): void => {
        if ((ts.isStringLiteralLike(node) || ts.isIdentifier(node)) && node.text === step.id) {
          const use = useOf(node);
          if (use !== undefined && use.step.literal === step.literal) found.push(use);
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    found.sort((a, b) => Number(b.kind === "declaration") - Number(a.kind === "declaration"));
    everyUse.set(step.literal, found);
    return found;
  };

  /** The pipeline's name, as written in its `pipeline("name"` call. */
  const pipelineName = (step: StepDeclaration): string => {
    const root = rootOf(chains.chainOf(step.call));
    const name = root?.arguments[0];
    return name !== undefined && ts.isStringLiteralLike(name) ? name.text : "pipeline";
  };

  const definitionOf = (step: StepDeclaration): TS.DefinitionInfo => ({
    fileName: step.literal.getSourceFile().fileName,
    textSpan: spanOf(ts, step.literal),
    kind: ts.ScriptElementKind.memberVariableElement,
    name: step.id,
    containerKind: ts.ScriptElementKind.unknown,
    containerName: pipelineName(step),
  });

  return { useAt, usesOf, definitionOf, pipelineName };
};
