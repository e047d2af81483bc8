/**
 * Reads options objects (`{ after, timeout, ... }`, `configure({ steps })`,
 * `agent({ model })`) property by property, so one unknown property costs
 * only that property, and turns step config into the Graph's units.
 */
import { Node } from "ts-morph";
import { toMillis, type DurationInput } from "../../src/graph/duration.js";
import { snippet, type AnalysisContext } from "./context.js";
import type { StaticConfig } from "./model.js";
import { evaluate, followConstant, FUNCTION, propertyKey, type Evaluated } from "./values.js";

/** One property of an options object: the node to evaluate, or its value when it came from an evaluated spread. */
export interface OptionEntry {
  readonly node: Node;
  readonly value?: Evaluated;
}

/** An options object's properties by name, or why they cannot be listed. */
export type Entries =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, OptionEntry> }
  | { readonly ok: false; readonly node: Node; readonly reason: string };

const fromValue = (node: Node, value: Evaluated): Entries => {
  if (!value.ok) return value;
  if (value.value === undefined) return { ok: true, entries: new Map() };
  if (typeof value.value !== "object" || value.value === null || Array.isArray(value.value)) {
    return { ok: false, node, reason: `\`${snippet(node)}\` is not an object` };
  }
  const entries = new Map<string, OptionEntry>();
  for (const [key, item] of Object.entries(value.value)) entries.set(key, { node, value: { ok: true, value: item } });
  return { ok: true, entries };
};

/** The properties of the object `input` evaluates to, following constants and spreads. */
export const objectEntries = (ctx: AnalysisContext, input: Node): Entries => {
  const followed = followConstant(ctx, input);
  if ("reason" in followed) return fromValue(input, evaluate(ctx, input));
  const node = followed.node;
  if (!Node.isObjectLiteralExpression(node)) return fromValue(input, evaluate(ctx, node));
  const entries = new Map<string, OptionEntry>();
  for (const property of node.getProperties()) {
    if (Node.isSpreadAssignment(property)) {
      const spread = objectEntries(ctx, property.getExpression());
      if (!spread.ok) return spread;
      for (const [key, entry] of spread.entries) entries.set(key, entry);
      continue;
    }
    if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property) && !Node.isMethodDeclaration(property)) {
      return { ok: false, node: property, reason: `\`${snippet(property)}\` is an accessor` };
    }
    const key = propertyKey(ctx, property.getNameNode());
    if (!key.ok) return key;
    const entry: OptionEntry = Node.isPropertyAssignment(property)
      ? { node: property.getInitializerOrThrow() }
      : Node.isMethodDeclaration(property)
        ? { node: property, value: { ok: true, value: FUNCTION } }
        : { node: property.getNameNode() };
    entries.set(key.value as string, entry);
  }
  return { ok: true, entries };
};

/** The properties of the object an entry holds. */
export const entryEntries = (ctx: AnalysisContext, entry: OptionEntry): Entries =>
  entry.value === undefined ? objectEntries(ctx, entry.node) : fromValue(entry.node, entry.value);

/** The value of an entry. */
export const entryValue = (ctx: AnalysisContext, entry: OptionEntry): Evaluated => entry.value ?? evaluate(ctx, entry.node);

/** Orders keys as `Object.keys` would at run time: integer-like keys first, ascending. */
export const runtimeKeyOrder = (keys: Iterable<string>): string[] => {
  const all = [...keys];
  const isIndex = (key: string) => /^(0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
  return [...all.filter(isIndex).sort((a, b) => Number(a) - Number(b)), ...all.filter((key) => !isIndex(key))];
};

const DURATIONS = [
  ["timeout", "timeoutMs"],
  ["retryDelay", "retryDelayMs"],
] as const;
const NUMBERS = ["retries", "costBudget"] as const;

/**
 * The step config fields among `entries`, durations in milliseconds. A field
 * that is not known, or not valid, is left out with a warning saying so.
 */
export const readStepConfig = (ctx: AnalysisContext, entries: ReadonlyMap<string, OptionEntry>, what: string): StaticConfig => {
  const config: { -readonly [Key in keyof StaticConfig]: StaticConfig[Key] } = {};
  const read = (key: string): { readonly value: unknown; readonly node: Node } | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    const value = entryValue(ctx, entry);
    if (value.ok) return value.value === undefined ? undefined : { value: value.value, node: entry.node };
    ctx.warn(value.node, `${what}: \`${key}\` is not statically known (${value.reason}); it is left out of the docs.`);
    return undefined;
  };
  for (const [key, field] of DURATIONS) {
    const found = read(key);
    if (found === undefined) continue;
    try {
      config[field] = toMillis(found.value as DurationInput, `${what} ${key}`);
    } catch (error) {
      ctx.warn(found.node, `${(error as Error).message} It is left out of the docs.`);
    }
  }
  for (const key of NUMBERS) {
    const found = read(key);
    if (found === undefined) continue;
    if (typeof found.value === "number") config[key] = found.value;
    else ctx.warn(found.node, `${what}: \`${key}\` should be a number, got ${JSON.stringify(found.value)}; it is left out of the docs.`);
  }
  return config;
};
