/**
 * Durations as users write them (milliseconds, or Effect duration strings),
 * and their one conversion to milliseconds, shared by the runtime, the graph
 * and the static analyser.
 */
import * as Duration from "effect/Duration";

/**
 * A duration: milliseconds as a number, or an Effect duration string such as
 * `"5 seconds"` or `"250 millis"`.
 */
export type DurationInput = number | `${number} ${Duration.Unit}`;

/** A value as given, for a message: `NaN`, `Infinity`, `-1`, `"5 parsecs"`, `null`, `an object`. */
export const givenValue = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === "function") return "a function";
  return Array.isArray(value) ? "an array" : "an object";
};

/** Converts a {@link DurationInput} to milliseconds, rejecting what is not a duration. */
export const toMillis = (input: DurationInput, what: string): number => {
  if (typeof input !== "number" && typeof input !== "string") throw notADuration(input, what);
  const millis = typeof input === "number" ? input : Duration.fromInput(input);
  const value = typeof millis === "number" ? millis : millis._tag === "Some" ? Duration.toMillis(millis.value) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) throw notADuration(input, what);
  return value;
};

const notADuration = (input: unknown, what: string): TypeError =>
  new TypeError(`${what}: ${givenValue(input)} is not a duration. Use milliseconds (e.g. 5000) or a string such as "5 seconds".`);
