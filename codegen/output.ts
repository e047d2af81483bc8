/**
 * Compares generated files with an output folder, and brings the folder up
 * to date. The folder's files of the chosen format that the generator made
 * (Markdown and Mermaid files carry its mark; JSON files have the Graph
 * shape) belong to it: ones no longer produced are reported as extra, and
 * removed on write. Files the generator did not make are left alone.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EXTENSIONS, GENERATED_MARK, type Format } from "./render/pages.js";

/** How an output folder differs from what the sources produce. */
export interface OutputDifference {
  /** Files that should exist and do not. */
  readonly missing: ReadonlyArray<string>;
  /** Files whose content differs. */
  readonly stale: ReadonlyArray<string>;
  /** Generated files that the sources no longer produce. */
  readonly extra: ReadonlyArray<string>;
}

/** The result of {@link writeOutput}. */
export interface WriteSummary {
  readonly written: ReadonlyArray<string>;
  readonly removed: ReadonlyArray<string>;
  readonly unchanged: number;
}

const isGenerated = (format: Format, content: string): boolean => {
  if (format !== "json") return content.slice(0, 200).includes(GENERATED_MARK);
  try {
    const parsed = JSON.parse(content) as { name?: unknown; nodes?: unknown; edges?: unknown };
    return typeof parsed.name === "string" && Array.isArray(parsed.nodes) && Array.isArray(parsed.edges);
  } catch {
    return false;
  }
};

/** The generated files of `format` now in `outDir`, by name. */
const readExisting = async (outDir: string, format: Format): Promise<Map<string, string>> => {
  const existing = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return existing;
  }
  for (const name of names.sort()) {
    if (!name.endsWith(EXTENSIONS[format])) continue;
    const content = await readFile(join(outDir, name), "utf8").catch(() => undefined);
    if (content !== undefined && isGenerated(format, content)) existing.set(name, content);
  }
  return existing;
};

/** How `outDir` differs from `expected`; all lists empty when it is up to date. */
export const diffOutput = async (outDir: string, expected: ReadonlyMap<string, string>, format: Format): Promise<OutputDifference> => {
  const existing = await readExisting(outDir, format);
  const missing: string[] = [];
  const stale: string[] = [];
  for (const [name, content] of expected) {
    const current = existing.has(name) ? existing.get(name) : await readFile(join(outDir, name), "utf8").catch(() => undefined);
    if (current === undefined) missing.push(name);
    else if (current !== content) stale.push(name);
  }
  const extra = [...existing.keys()].filter((name) => !expected.has(name));
  return { missing, stale, extra };
};

/** Writes the files that changed, removes generated files no longer produced, and leaves the rest untouched. */
export const writeOutput = async (outDir: string, expected: ReadonlyMap<string, string>, format: Format): Promise<WriteSummary> => {
  const difference = await diffOutput(outDir, expected, format);
  await mkdir(outDir, { recursive: true });
  const written = [...difference.missing, ...difference.stale].sort();
  for (const name of written) await writeFile(join(outDir, name), expected.get(name) ?? "");
  for (const name of difference.extra) await rm(join(outDir, name));
  return { written, removed: difference.extra, unchanged: expected.size - written.length };
};
