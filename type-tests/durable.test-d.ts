/**
 * `durable` (a store from `stepgraph/durable` and a run id) is accepted
 * wherever run options are: `run`, `toEffect`, `runMany`, `runEach` and
 * routers; results say what the journal did; steps read `ctx.runId` and
 * `ctx.idempotencyKey`; a worker's `submit` and `resume` keep the
 * pipeline's input and result types.
 */
import { expectAssignable, expectError, expectType } from "tsd";
import { pipeline, router } from "../src/index.js";
import { memoryStore, postgresStore, sqliteStore, worker, type DurableReport, type DurableStore, type RunHandle } from "../src/durable/index.js";

const store = sqliteStore({ file: "runs.db" });
expectType<DurableStore>(store);
expectAssignable<DurableStore>(memoryStore());
expectAssignable<DurableStore>(postgresStore({ url: "postgres://localhost/app", maxConnections: 5 }));
expectType<Promise<void>>(store.close());

const p = pipeline<{ n: number }>("durable").step("double", (ctx) => {
  expectType<string>(ctx.runId);
  expectType<string>(ctx.idempotencyKey);
  return ctx.input.n * 2;
});

const result = await p.run({ n: 1 }, { durable: { store, runId: "order-42" } });
expectType<number>(result.output);
expectType<DurableReport | undefined>(result.durable);
void p.toEffect({ n: 1 }, { durable: { store, runId: "order-42" } });
void p.runMany([{ n: 1 }], { durable: { store, runId: "batch-1" } });
void p.runEach([{ n: 1 }], { durable: { store, runId: "batch-2" } });

const r = router("routes", { routes: { p }, route: () => "p" as const });
void r.run({ n: 1 }, { durable: { store, runId: "routed-1" } });

// A durable option needs a store and a run id.
expectError(p.run({ n: 1 }, { durable: { store } }));
expectError(p.run({ n: 1 }, { durable: { runId: "x" } }));
expectError(p.run({ n: 1 }, { durable: { store: "runs.db", runId: "x" } }));
expectError(sqliteStore({}));

const w = await worker({ store: postgresStore(), pipelines: [p, r], takeover: { lockExpiration: "5 seconds", poll: 500 } });
const handle = await w.submit(p, { n: 2 }, { runId: "order-43" });
expectAssignable<RunHandle<unknown>>(handle);
expectType<number>((await handle.result()).output);
expectType<number>((await w.resume(p, "order-43", { n: 2 })).output);
expectError(w.submit(p, { n: "two" }, { runId: "order-44" }));
expectError(w.submit(p, { n: 2 }, {}));
