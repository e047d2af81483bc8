/** Deterministic example values for (simple) JSON Schemas. */
import type { JsonSchema, JsonSchemaType } from "./types.js";
import { capitalise, classify, entities, firstWords, hash, stripInstruction, words } from "./text.js";

interface Context {
  readonly root: JsonSchema;
  /** The text values are derived from. */
  readonly text: string;
  readonly words: readonly string[];
  readonly entities: readonly string[];
  readonly extract: boolean;
}

const MAX_DEPTH = 8;
const TYPES: readonly JsonSchemaType[] = ["string", "number", "integer", "boolean", "object", "array", "null"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Narrows an untrusted value to a schema object (or `{}`). */
export function asSchema(value: unknown): JsonSchema {
  return isRecord(value) ? (value as JsonSchema) : {};
}

function resolveRef(schema: JsonSchema, ctx: Context): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string" && hops < 16; hops++) {
    const ref: string = current.$ref;
    if (ref === "#") {
      current = ctx.root;
      continue;
    }
    const parts = ref.replace(/^#\//, "").split("/");
    let node: unknown = ctx.root;
    for (const part of parts) node = isRecord(node) ? node[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    current = asSchema(node);
  }
  return current;
}

function typeOf(schema: JsonSchema): JsonSchemaType {
  const declared = schema.type;
  if (typeof declared === "string" && TYPES.includes(declared)) return declared;
  if (Array.isArray(declared)) {
    const list = declared as readonly unknown[];
    const first = list.find((t): t is JsonSchemaType => t !== "null" && TYPES.includes(t as JsonSchemaType));
    if (first !== undefined) return first;
    if (list.includes("null")) return "null";
  }
  if (isRecord(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return "string";
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function generate(input: JsonSchema, ctx: Context, path: string, depth: number): unknown {
  const schema = resolveRef(input, ctx);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pickEnum(schema.enum, ctx, path);
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (union !== undefined && union.length > 0) {
    const branch = union.map(asSchema).find((b) => typeOf(resolveRef(b, ctx)) !== "null") ?? asSchema(union[0]);
    return generate(branch, ctx, path, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged: Record<string, JsonSchema> = {};
    for (const part of schema.allOf.map((p) => resolveRef(asSchema(p), ctx))) Object.assign(merged, part.properties);
    return generate({ type: "object", properties: merged }, ctx, path, depth + 1);
  }
  switch (typeOf(schema)) {
    case "object":
      return depth >= MAX_DEPTH ? {} : objectValue(schema, ctx, path, depth);
    case "array":
      return depth >= MAX_DEPTH ? [] : arrayValue(schema, ctx, path, depth);
    case "string":
      return stringValue(schema, ctx, path);
    case "number":
      return numberValue(schema, ctx, path, false);
    case "integer":
      return numberValue(schema, ctx, path, true);
    case "boolean":
      return hash(`${ctx.text}|${path}`) % 2 === 0;
    case "null":
      return null;
  }
}

function keyOf(path: string): string {
  const parts = path.split(".").filter((p) => !/^\d+$/.test(p));
  return (parts[parts.length - 1] ?? "").toLowerCase();
}

function pickEnum(options: readonly unknown[], ctx: Context, path: string): unknown {
  const labels = options.map((o) => String(o));
  const label = classify(ctx.text, labels);
  const i = labels.indexOf(label);
  return i >= 0 ? options[i] : options[hash(`${ctx.text}|${path}`) % options.length];
}

function objectValue(schema: JsonSchema, ctx: Context, path: string, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const [key, child] of Object.entries(properties)) {
    out[key] = generate(asSchema(child), ctx, path === "" ? key : `${path}.${key}`, depth + 1);
  }
  return out;
}

function arrayValue(schema: JsonSchema, ctx: Context, path: string, depth: number): unknown[] {
  const items = resolveRef(asSchema(schema.items), ctx);
  const min = Math.max(0, num(schema.minItems) ?? 0);
  const max = Math.max(min, num(schema.maxItems) ?? Number.POSITIVE_INFINITY);
  const clamp = (n: number): number => Math.min(max, Math.max(min, n));
  const plainStrings = typeOf(items) === "string" && items.enum === undefined && items.format === undefined;
  if (plainStrings && (ctx.extract || /entit|names|people|organi[sz]ations|places|keywords|tags|topics/.test(keyOf(path)))) {
    const source = ctx.entities.length > 0 ? ctx.entities : ctx.words.slice(0, 3).map(capitalise);
    const list = source.slice(0, clamp(source.length));
    for (let i = list.length; i < min; i++) list.push(`Item ${i + 1}`);
    return list;
  }
  const count = clamp(Math.min(3, Math.max(1, ctx.words.length)));
  return Array.from({ length: count }, (_, i) => generate(items, ctx, `${path}.${i}`, depth + 1));
}

function formatted(format: string, seed: number, word: string): string | undefined {
  const day = String((seed % 28) + 1).padStart(2, "0");
  switch (format) {
    case "date":
      return `2024-01-${day}`;
    case "date-time":
      return `2024-01-${day}T12:00:00Z`;
    case "time":
      return "12:00:00";
    case "email":
      return `${word.toLowerCase()}@example.com`;
    case "uri":
    case "url":
      return `https://example.com/${encodeURIComponent(word.toLowerCase())}`;
    case "uuid": {
      const hex = (seed.toString(16).padStart(8, "0") + "0".repeat(24)).slice(0, 32);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
    }
    default:
      return undefined;
  }
}

/** Property-name heuristics for strings, first match wins. */
const STRING_RULES: readonly (readonly [RegExp, (ctx: Context, seed: number, word: string) => string])[] = [
  [/summary|description|text|content|answer|reason|explanation|body|message|query|question|input/, (ctx, _s, word) =>
    firstWords(stripInstruction(ctx.text), 12) || word],
  [/label|category|class|sentiment|kind|type/, (ctx) => classify(ctx.text)],
  [/title|heading|subject|headline/, (ctx) => ctx.words.slice(0, 4).map(capitalise).join(" ") || "Untitled"],
  [/name|person|author|owner|sender|recipient/, (ctx, _s, word) => ctx.entities[0] ?? capitalise(word)],
  [/company|organi[sz]ation|vendor|customer|city|country|place|location|entity/, (ctx, seed, word) =>
    ctx.entities[seed % Math.max(1, ctx.entities.length)] ?? capitalise(word)],
  [/lang/, () => "en"],
  [/date/, (_c, seed, word) => formatted("date", seed, word) ?? ""],
  [/email/, (_c, seed, word) => formatted("email", seed, word) ?? ""],
  [/url|link|uri/, (_c, seed, word) => formatted("url", seed, word) ?? ""],
  [/(^|_)id$/, (_c, seed) => `id_${seed.toString(36)}`],
];

function stringValue(schema: JsonSchema, ctx: Context, path: string): string {
  const key = keyOf(path);
  const seed = hash(`${ctx.text}|${path}`);
  const pool = ctx.words.length > 0 ? ctx.words : ["sample"];
  const word = pool[seed % pool.length]!;
  const rule = STRING_RULES.find(([pattern]) => pattern.test(key));
  let value =
    (typeof schema.format === "string" ? formatted(schema.format, seed, word) : undefined) ??
    rule?.[1](ctx, seed, word) ??
    pool.slice(seed % pool.length, (seed % pool.length) + 3).join(" ");
  const minLength = num(schema.minLength);
  const maxLength = num(schema.maxLength);
  if (minLength !== undefined) while (value.length < minLength) value += value.length === 0 ? "x" : ` ${value}`;
  if (maxLength !== undefined) value = value.slice(0, maxLength);
  return value;
}

function numberValue(schema: JsonSchema, ctx: Context, path: string, integer: boolean): number {
  const step = integer ? 1 : 0.01;
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  let min = num(schema.minimum) ?? (exMin !== undefined ? exMin + step : undefined);
  let max = num(schema.maximum) ?? (exMax !== undefined ? exMax - step : undefined);
  if (integer) {
    min = min === undefined ? undefined : Math.ceil(min);
    max = max === undefined ? undefined : Math.floor(max);
  }
  const key = keyOf(path);
  const seed = hash(`${ctx.text}|${path}`);
  let value: number;
  if (/confidence|score|probability|certainty/.test(key) && !integer) value = 0.9;
  else if (/count|total|number|num|quantity|length/.test(key)) value = ctx.words.length;
  else if (min !== undefined && max !== undefined) value = min + ((seed % 1000) / 1000) * (max - min);
  else value = (seed % 100) + (integer ? 0 : 0.5);
  if (min !== undefined) value = Math.max(min, value);
  if (max !== undefined) value = Math.min(max, value);
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

/**
 * Builds a deterministic value that satisfies a simple JSON Schema: objects,
 * strings (with common `format`s and length limits), numbers and integers
 * (with bounds), booleans, arrays (with item counts), `enum`, `const`,
 * `anyOf`/`oneOf` (first non-null branch), `allOf` of objects and local `$ref`s.
 * Values are derived from `text`: string arrays become the capitalised
 * entities of the text when `extract` is set or the property is named like
 * `entities`/`names`/`tags`; enums pick the option mentioned in the text.
 *
 * @example
 * ```ts
 * generateFromSchema(
 *   { type: "object", properties: { people: { type: "array", items: { type: "string" } } }, required: ["people"] },
 *   "Extract people: Alice met Bob in Paris.",
 * ); // { people: ["Alice", "Bob", "Paris"] }
 * ```
 */
export function generateFromSchema(schema: JsonSchema, text = "", options: { readonly extract?: boolean } = {}): unknown {
  const material = stripInstruction(text);
  const ctx: Context = {
    root: schema,
    text,
    words: words(material),
    entities: entities(material),
    extract: options.extract ?? /^\s*extract\b/i.test(text),
  };
  return generate(schema, ctx, "", 0);
}
