/**
 * Helpers for codegen tests: throwaway source trees, and analysis results by
 * binding. Sources written here import "stepgraph" by name, which the
 * analyser recognises without resolving the package.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { analyze, toGraph, type Analysis, type Diagnostic } from "../../codegen/analyze/index.js";
import type { Graph } from "../../src/graph/graph.js";

const trees: string[] = [];
afterAll(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** Writes `files` (path → source) into a new temporary folder, removed after the test file, and returns it. */
export const writeTree = (files: Readonly<Record<string, string>>): string => {
  const root = mkdtempSync(join(tmpdir(), "stepgraph-codegen-"));
  trees.push(root);
  for (const [path, source] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
  return root;
};

/** Analyses `files` written to a temporary folder. */
export const analyzeSources = (files: Readonly<Record<string, string>>): Analysis & { readonly root: string } => {
  const root = writeTree(files);
  return { ...analyze({ paths: ["."], cwd: root }), root };
};

/** The graph of the document bound to `binding`; fails the test when there is none. */
export const graphOf = (analysis: Analysis, binding: string): Graph => {
  const document = analysis.documents.find((candidate) => candidate.binding === binding);
  if (document === undefined) throw new Error(`no pipeline bound to "${binding}"; found ${analysis.documents.map((d) => d.binding).join(", ")}`);
  return toGraph(document.value);
};

/** Diagnostics as `file:line:col: message`, file names relative to `root`. */
export const describeDiagnostics = (diagnostics: ReadonlyArray<Diagnostic>, root: string): string[] =>
  diagnostics.map((diagnostic) => {
    const where = diagnostic.location;
    const file = where === undefined ? "" : where.file.slice(root.length + 1);
    return where === undefined ? diagnostic.message : `${file}:${where.line}:${where.column}: ${diagnostic.message}`;
  });
