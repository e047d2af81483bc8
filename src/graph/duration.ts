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

/** Converts a {@link DurationInput} to milliseconds, rejecting what is not a duration. */
export const toMillis = (input: DurationInput, what: string): number => {
  const millis = typeof input === "number" ? input : Duration.fromInput(input);
  const value = typeof millis === "number" ? millis : millis._tag === "Some" ? Duration.toMillis(millis.value) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `${what}: ${JSON.stringify(input)} is not a duration. Use milliseconds (e.g. 5000) or a string such as "5 seconds".`,
    );
  }
  return value;
};
