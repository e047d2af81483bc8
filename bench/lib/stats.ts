/**
 * Summaries of repeated measurements: the median is the headline, min and
 * max show the spread.
 */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: ReadonlyArray<number>;
}

export const summarize = (samples: ReadonlyArray<number>): Summary => {
  if (samples.length === 0) throw new Error("summarize: no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
};

/** The same summary with every value passed through `f` (e.g. divided by a constant). */
export const mapSummary = (summary: Summary, f: (value: number) => number): Summary =>
  summarize(summary.samples.map(f));

/** `numerator / denominator` sample by sample (paired: sample i of each came from the same round). */
export const pairedRatio = (numerator: Summary, denominator: Summary): Summary =>
  summarize(numerator.samples.map((value, index) => value / denominator.samples[index % denominator.samples.length]!));

/** "1.234 (1.200–1.300)" with `digits` decimals. */
export const formatSummary = (summary: Summary, digits: number): string =>
  `${summary.median.toFixed(digits)} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})`;

/** Rotates `items` by `round`, so no contender always runs first (or right after a heavy one). */
export const rotate = <Item>(items: ReadonlyArray<Item>, round: number): Item[] => {
  const shift = round % Math.max(items.length, 1);
  return [...items.slice(shift), ...items.slice(0, shift)];
};
