/**
 * `stepgraph/durable`: runs that survive crashes. Pass a store as
 * `durable: { store, runId }` to `run`; the same call after a crash resumes
 * the run, taking every completed step from the journal.
 */
export { DurableStore, memoryStore, postgresStore, sqliteStore } from "./store.js";
export { worker } from "./worker.js";
export type { RunHandle, Servable, TakeoverOptions, Worker, WorkerOptions } from "./worker.js";
export type { PostgresStoreOptions, SqliteStoreOptions } from "./store.js";
export { DurableRunFailedError, DurableRunMismatchError, DurableRunNotFoundError, DurableStoreError, JournalledStepError, NotJournallableError } from "./errors.js";
export type { DurableOptions } from "../runtime/options.js";
export type { DurableReport } from "../runtime/result.js";
