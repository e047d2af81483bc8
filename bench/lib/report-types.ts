/**
 * What each workload hands the report: a table, the targets it checked, and
 * notes. RESULTS.md and results.json are both rendered from these.
 */

/** A target and whether this run met it. `met: undefined` means it could not be checked. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

export interface Table {
  readonly columns: ReadonlyArray<string>;
  readonly rows: ReadonlyArray<ReadonlyArray<string>>;
}

export interface WorkloadReport {
  readonly id: string;
  readonly title: string;
  /** What was run and how it was measured. */
  readonly method: string;
  readonly tables: ReadonlyArray<{ readonly caption?: string; readonly table: Table }>;
  readonly targets: ReadonlyArray<TargetCheck>;
  readonly notes: ReadonlyArray<string>;
  /** Output of another tool, copied into RESULTS.md as printed. */
  readonly verbatim?: string;
  /** Raw figures for results.json. */
  readonly data: unknown;
  readonly seconds: number;
}
