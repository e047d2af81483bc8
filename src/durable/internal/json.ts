/**
 * What the journal can store: JSON. A step's output is checked when the step
 * succeeds, so a value that would not survive a replay (a function, a
 * BigInt, a cycle, a Date or class instance that comes back as a plain
 * object) fails that step at once, with the value's path, never at replay.
 */

const describe = (value: unknown): string => {
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `a BigInt (${value}n)`;
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "undefined") return "undefined";
  if (typeof value === "number") return String(value);
  const name = (value as object).constructor?.name;
  return name === undefined ? "an object without a prototype" : `a ${name}`;
};

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

const pathOf = (path: ReadonlyArray<string | number>): string =>
  path.length === 0 ? "the value itself" : path.map((key) => (typeof key === "number" ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join("").replace(/^\./, "");

/**
 * Why `value` cannot be journalled as JSON and read back the same, naming
 * the first offending path; undefined when it can. Object properties whose
 * value is `undefined` are allowed (JSON drops them, and reading them gives
 * `undefined` again), and so is `undefined` itself.
 */
export const jsonProblem = (value: unknown): string | undefined => {
  const seen = new Set<object>();
  const visit = (current: unknown, path: Array<string | number>): string | undefined => {
    if (current === null || typeof current === "string" || typeof current === "boolean") return undefined;
    if (typeof current === "number") return Number.isFinite(current) ? undefined : `${pathOf(path)} is ${describe(current)}, which JSON cannot hold`;
    if (typeof current !== "object") return `${pathOf(path)} is ${describe(current)}, which JSON cannot hold`;
    if (seen.has(current)) return `${pathOf(path)} refers back to an enclosing value (a cycle)`;
    if (Array.isArray(current)) {
      seen.add(current);
      for (let index = 0; index < current.length; index++) {
        const item: unknown = current[index];
        if (item === undefined) return `${pathOf([...path, index])} is undefined, which JSON turns into null`;
        const problem = visit(item, [...path, index]);
        if (problem !== undefined) return problem;
      }
      seen.delete(current);
      return undefined;
    }
    if (!isPlainObject(current)) return `${pathOf(path)} is ${describe(current)}, which would come back from the journal as a plain object`;
    seen.add(current);
    for (const key of Object.keys(current)) {
      const item = (current as Record<string, unknown>)[key];
      if (item === undefined) continue;
      const problem = visit(item, [...path, key]);
      if (problem !== undefined) return problem;
    }
    seen.delete(current);
    return undefined;
  };
  // A step that returns nothing returns undefined, and reads back undefined.
  return value === undefined ? undefined : visit(value, []);
};
