/**
 * An Effect `SqlClient` over better-sqlite3 12: no published Effect SQLite
 * client works with effect 4.1 on Node 20 (they import `effect/unstable/*`
 * paths 4.1 no longer has, or need `node:sqlite`). Built from effect's own
 * SQLite pieces: `makeSqliteAcquirers` (one connection behind a semaphore,
 * cleanup after a failed COMMIT), `makeCompilerSqlite` and
 * `classifySqliteError`.
 *
 * The file is held with an exclusive lock for as long as the client lives:
 * two processes journalling into one file would both claim every run (Effect's
 * single runner has no way to know of the other), so the second one fails at
 * once instead. The OS drops the lock when a process dies, so a run resumes
 * after a crash.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Semaphore from "effect/Semaphore";
import * as Stream from "effect/Stream";
import * as Reactivity from "effect/reactivity/Reactivity";
import * as SqlClient from "effect/sql/SqlClient";
import type { Connection } from "effect/sql/SqlConnection";
import { classifySqliteError, SqlError } from "effect/sql/SqlError";
import * as Statement from "effect/sql/Statement";
import type BetterSqlite3 from "better-sqlite3";

/** The better-sqlite3 module, loaded on first use: it is an optional peer dependency. */
type Driver = typeof BetterSqlite3;

const loadDriver = Effect.tryPromise({
  try: async () => {
    const loaded = (await import("better-sqlite3")) as unknown as { default?: Driver } & Driver;
    return loaded.default ?? loaded;
  },
  catch: (error) =>
    new Error(
      "sqliteStore() needs the better-sqlite3 package (version 12; 13 needs Node 22): run `npm install better-sqlite3@12`. " +
        `Loading it failed: ${error instanceof Error ? error.message : String(error)}`,
    ),
});

/** Thrown (as the cause of the store's error) when another process holds the file. */
export class SqliteFileInUseError extends Error {
  override readonly name = "SqliteFileInUseError";
}

/** SQLite takes booleans as integers, no `undefined`, and blobs as Buffers. */
const bindable = (value: unknown): unknown => {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
};

const bind = (params: ReadonlyArray<unknown>): Array<unknown> => params.map(bindable);

/** A connection's statements, run synchronously (better-sqlite3 is synchronous). */
const connectionOf = (db: BetterSqlite3.Database): Connection => {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string): BetterSqlite3.Statement => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      // The engine's statements are a few hundred shapes at most; past that, drop the oldest.
      if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  };
  const failure = (cause: unknown, operation: string) =>
    new SqlError({ reason: classifySqliteError(cause, { message: `SQLite ${operation} failed`, operation }) });
  const rows = (statement: BetterSqlite3.Statement, params: ReadonlyArray<unknown>): ReadonlyArray<any> => {
    if (statement.reader) return statement.all(...bind(params)) as ReadonlyArray<any>;
    statement.run(...bind(params));
    return [];
  };
  const run = (sql: string, params: ReadonlyArray<unknown>, prepare: boolean) =>
    Effect.try({
      try: () => rows(prepare ? prepared(sql) : db.prepare(sql), params),
      catch: (cause) => failure(cause, "execute"),
    });
  const values = (sql: string, params: ReadonlyArray<unknown>, prepare: boolean) =>
    Effect.try({
      try: () => {
        const statement = prepare ? prepared(sql) : db.prepare(sql);
        if (!statement.reader) {
          statement.run(...bind(params));
          return [];
        }
        return statement.raw(true).all(...bind(params)) as ReadonlyArray<ReadonlyArray<unknown>>;
      },
      catch: (cause) => failure(cause, "execute"),
    });
  const transformed = (transformRows: (<A extends object>(row: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) =>
    (result: ReadonlyArray<any>) => (transformRows === undefined ? result : transformRows(result));
  return {
    execute: (sql, params, transformRows) => Effect.map(run(sql, params, true), transformed(transformRows)),
    executeRaw: (sql, params) => run(sql, params, true),
    executeStream: (sql, params, transformRows) =>
      Stream.fromIterableEffect(Effect.map(run(sql, params, true), transformed(transformRows))),
    executeValues: (sql, params) => values(sql, params, true),
    executeValuesUnprepared: (sql, params) => values(sql, params, false),
    executeUnprepared: (sql, params, transformRows) => Effect.map(run(sql, params, false), transformed(transformRows)),
  };
};

/** Opens `file`, takes its exclusive lock, and closes it with the scope. */
const open = (file: string) =>
  Effect.acquireRelease(
    Effect.flatMap(loadDriver, (Database) => Effect.try({
      try: () => {
        mkdirSync(dirname(resolve(file)), { recursive: true });
        const db = new Database(file, { timeout: 0 });
        try {
          db.pragma("journal_mode = WAL");
          db.pragma("synchronous = NORMAL");
          db.pragma("locking_mode = EXCLUSIVE");
          // The lock is taken by the first write: take it now, so a second process fails here rather than mid-run.
          db.exec("BEGIN EXCLUSIVE; COMMIT");
        } catch (error) {
          db.close();
          const busy = error instanceof Error && /SQLITE_BUSY|database is locked/i.test(`${(error as { code?: string }).code} ${error.message}`);
          if (busy) {
            throw new SqliteFileInUseError(
              `The SQLite file ${file} is in use by another store (in this process or another): an embedded store belongs to one process at a time. ` +
                "Use postgresStore() to share runs between processes.",
            );
          }
          throw error;
        }
        return db;
      },
      catch: (cause) => cause,
    })),
    (db) => Effect.sync(() => db.close()),
  );

/** The `SqlClient` over one SQLite file, as a layer (with the `Reactivity` it needs). */
export const sqliteClientLayer = (file: string): Layer.Layer<SqlClient.SqlClient, unknown> =>
  Layer.effect(
    SqlClient.SqlClient,
    Effect.gen(function* () {
      const db = yield* open(file);
      const connection = connectionOf(db);
      const acquirers = SqlClient.makeSqliteAcquirers({
        connection: Effect.succeed(connection),
        semaphore: Semaphore.makeUnsafe(1),
        isTransaction: () => db.inTransaction,
      });
      return yield* SqlClient.make({
        ...acquirers,
        compiler: Statement.makeCompilerSqlite(),
        driver: "better-sqlite3",
        spanAttributes: [["db.system.name", "sqlite"]],
      });
    }),
  ).pipe(Layer.provide(Reactivity.layer));
