/**
 * Which pipeline shape each run id was journalled by: a run is refused by a
 * pipeline whose steps or dependencies differ (the workflow engine would
 * otherwise replay one shape's outcomes into another); and which steps
 * started, so that a step run again after a crash is known. Two small
 * tables in the store's database, or a Map and a Set for the memory store.
 */
import * as Effect from "effect/Effect";
import * as SqlClient from "effect/sql/SqlClient";
import type { DurableTarget } from "../../runtime/options.js";

/** A run's journalled identity. */
export interface RunIdentity {
  readonly pipeline: string;
  readonly shape: DurableTarget["shape"];
}

/** Records a run's identity on first use, and returns the identity it was first recorded with. */
export interface RunRegistry {
  claim(runId: string, identity: RunIdentity): Effect.Effect<RunIdentity, unknown>;
  /** The run's identity and latest generation, if it was ever started. */
  find(runId: string): Effect.Effect<(RunIdentity & { readonly generation: number }) | undefined, unknown>;
  /** Records that the run's generation `generation` has started. */
  advance(runId: string, generation: number): Effect.Effect<void, unknown>;
  /**
   * Marks that step `step` of workflow execution `executionId` started; true
   * the first time, false when it was marked before (an earlier run of it
   * was cut short, so this one may duplicate its effects).
   */
  mark(executionId: string, step: string): Effect.Effect<boolean, unknown>;
}

export const memoryRegistry = (): RunRegistry => {
  const runs = new Map<string, RunIdentity & { generation: number }>();
  const marks = new Set<string>();
  return {
    mark: (executionId, step) =>
      Effect.sync(() => {
        const key = `${executionId}\u0000${step}`;
        if (marks.has(key)) return false;
        marks.add(key);
        return true;
      }),
    claim: (runId, identity) =>
      Effect.sync(() => {
        const known = runs.get(runId);
        if (known !== undefined) return known;
        runs.set(runId, { ...identity, generation: 1 });
        return identity;
      }),
    find: (runId) => Effect.sync(() => runs.get(runId)),
    advance: (runId, generation) =>
      Effect.sync(() => {
        const known = runs.get(runId);
        if (known !== undefined && known.generation < generation) known.generation = generation;
      }),
  };
};

/** The registry in the store's SQL database (SQLite or PostgreSQL): table `stepgraph_runs`. */
export const sqlRegistry = (sql: SqlClient.SqlClient): Effect.Effect<RunRegistry, unknown> =>
  Effect.map(
    Effect.andThen(
      sql`CREATE TABLE IF NOT EXISTS stepgraph_runs (run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, shape TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 1)`,
      sql`CREATE TABLE IF NOT EXISTS stepgraph_marks (execution_id TEXT NOT NULL, step TEXT NOT NULL, PRIMARY KEY (execution_id, step))`,
    ),
    (): RunRegistry => ({
      mark: (executionId, step) =>
        Effect.map(
          sql<{ step: string }>`INSERT INTO stepgraph_marks (execution_id, step) VALUES (${executionId}, ${step}) ON CONFLICT DO NOTHING RETURNING step`,
          (rows) => rows.length > 0,
        ),
      claim: (runId, identity) =>
        Effect.gen(function* () {
          yield* sql`INSERT INTO stepgraph_runs (run_id, pipeline, shape) VALUES (${runId}, ${identity.pipeline}, ${JSON.stringify(identity.shape)}) ON CONFLICT (run_id) DO NOTHING`;
          const rows = yield* sql<{ pipeline: string; shape: string }>`SELECT pipeline, shape FROM stepgraph_runs WHERE run_id = ${runId}`;
          const row = rows[0];
          if (row === undefined) return identity;
          return { pipeline: row.pipeline, shape: JSON.parse(row.shape) as DurableTarget["shape"] };
        }),
      find: (runId) =>
        Effect.map(
          sql<{ pipeline: string; shape: string; generation: number }>`SELECT pipeline, shape, generation FROM stepgraph_runs WHERE run_id = ${runId}`,
          (rows) => {
            const row = rows[0];
            return row === undefined ? undefined : { pipeline: row.pipeline, shape: JSON.parse(row.shape) as DurableTarget["shape"], generation: Number(row.generation) };
          },
        ),
      advance: (runId, generation) =>
        Effect.asVoid(sql`UPDATE stepgraph_runs SET generation = ${generation} WHERE run_id = ${runId} AND generation < ${generation}`),
    }),
  );

/** How `journalled` differs from `current`, one line per difference; empty when they are the same. */
export const differences = (journalled: RunIdentity, current: RunIdentity): ReadonlyArray<string> => {
  const found: Array<string> = [];
  if (journalled.pipeline !== current.pipeline) found.push(`it belongs to pipeline "${journalled.pipeline}"`);
  const before = new Map(journalled.shape.map((step) => [step.id, step.after]));
  const now = new Map(current.shape.map((step) => [step.id, step.after]));
  for (const id of before.keys()) if (!now.has(id)) found.push(`step "${id}" was removed`);
  for (const [id, after] of now) {
    const old = before.get(id);
    if (old === undefined) found.push(`step "${id}" was added`);
    else if (old.join("\u0000") !== after.join("\u0000")) found.push(`step "${id}" now runs after [${after.join(", ")}], not [${old.join(", ")}]`);
  }
  if (found.length === 0 && journalled.shape.map((step) => step.id).join("\u0000") !== current.shape.map((step) => step.id).join("\u0000")) {
    found.push("its steps are declared in a different order");
  }
  return found;
};
