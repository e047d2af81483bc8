/**
 * File names for generated pages: derived from pipeline names, safe on every
 * file system and URL, and unique (case-insensitively) within one output.
 */
import type { StaticDocument } from "../analyze/index.js";

const MAX_LENGTH = 80;
/** Stems that generated pipeline pages never take. */
const RESERVED = ["index"];

/**
 * A file stem for `name`: ASCII letters, digits, `.`, `_` and `-`, lower case,
 * never empty.
 *
 * @example
 * ```ts
 * sanitizeFileStem("Résumé: Review/Draft"); // "resume-review-draft"
 * ```
 */
export const sanitizeFileStem = (name: string): string => {
  const stem = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+/, "")
    .slice(0, MAX_LENGTH)
    .replace(/[-._]+$/, "");
  return stem.length === 0 ? "pipeline" : stem;
};

/**
 * One unique stem per document, in order. A name already taken gets the
 * variable's name appended (`articles-full`), then a number (`articles-2`).
 */
export const fileStems = (documents: ReadonlyArray<StaticDocument>): string[] => {
  const taken = new Set(RESERVED);
  return documents.map((document) => {
    const base = sanitizeFileStem(document.value.name);
    const candidates = [base];
    if (document.binding !== undefined) candidates.push(sanitizeFileStem(`${document.value.name}-${document.binding}`));
    let stem = candidates.find((candidate) => !taken.has(candidate));
    for (let counter = 2; stem === undefined; counter += 1) {
      const numbered = `${base}-${counter}`;
      if (!taken.has(numbered)) stem = numbered;
    }
    taken.add(stem);
    return stem;
  });
};
