/**
 * The workflow engine behind each kind of store, as an Effect layer: the
 * engine itself (Effect's in-memory one, or its cluster engine on a single
 * runner over SQL) and the run registry in the same database. Effect's
 * cluster modules are marked unstable: they stay in this file and never
 * appear in stepgraph's public types.
 */
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Redacted from "effect/Redacted";
import * as Context from "effect/Context";
import * as ClusterWorkflowEngine from "effect/cluster/ClusterWorkflowEngine";
import * as Option from "effect/Option";
import * as RunnerAddress from "effect/cluster/RunnerAddress";
import * as RunnerHealth from "effect/cluster/RunnerHealth";
import * as Runners from "effect/cluster/Runners";
import * as Sharding from "effect/cluster/Sharding";
import * as ShardingConfig from "effect/cluster/ShardingConfig";
import * as SqlMessageStorage from "effect/cluster/SqlMessageStorage";
import * as SqlRunnerStorage from "effect/cluster/SqlRunnerStorage";
import * as SocketRunner from "effect/cluster/SocketRunner";
import * as RpcSerialization from "effect/rpc/RpcSerialization";
import * as Digest from "effect/crypto/Digest";
import * as SqlClient from "effect/sql/SqlClient";
import * as WorkflowEngine from "effect/workflow/WorkflowEngine";
import { memoryRegistry, sqlRegistry, type RunRegistry } from "./registry.js";
import { sqliteClientLayer } from "./sqlite-client.js";

/** The registry, as a service of the store's layer. */
export class Registry extends Context.Service<Registry, RunRegistry>()("stepgraph/durable/Registry") {}

/** What a store's layer provides. */
export type EngineServices = WorkflowEngine.WorkflowEngine | Registry;

/** How quickly workers take over the runs of a worker that died, in milliseconds (see {@link WorkerBackend}). */
export interface Takeover {
  /** A dead worker's shards (and runs) go to the others once its lock is this old. */
  readonly lockExpirationMs: number;
  /** How often a live worker refreshes its locks; well under the expiration. */
  readonly lockRefreshMs: number;
  /** How often workers look at the shard assignments and for new messages. */
  readonly pollMs: number;
}

/** A worker: a runner of a cluster of workers sharing one PostgreSQL, reachable by the others at `host:port`. */
export interface WorkerBackend {
  readonly kind: "worker";
  readonly url: string;
  readonly maxConnections: number;
  readonly host: string;
  readonly port: number;
  readonly takeover: Takeover;
}

/** How a store connects. */
export type Backend =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly file: string }
  | { readonly kind: "postgres"; readonly url: string; readonly maxConnections: number }
  | WorkerBackend;

/**
 * A single runner that owns every shard: no transport, no health checks, no
 * configuration read from the environment (Effect's own `SingleRunner.layer`
 * reads `HOST`, `PORT` and friends, so a user's `PORT` would change it).
 */
const singleRunner = Sharding.layer.pipe(
  Layer.provideMerge(Runners.layerNoop),
  Layer.provideMerge(SqlMessageStorage.layer),
  Layer.provide([Layer.orDie(SqlRunnerStorage.layer), RunnerHealth.layerNoop]),
  // Closing waits for steps in flight itself (see Drain): the entities left then have nothing to finish.
  Layer.provide(ShardingConfig.layer({ entityMessagePollInterval: 1000, entityTerminationTimeout: 1000 })),
  Layer.provide(Digest.layerWebCrypto),
);

const sqlRegistryLayer = Layer.effect(
  Registry,
  Effect.gen(function* () {
    return yield* sqlRegistry(yield* SqlClient.SqlClient);
  }),
);

/** The engine over a SQL database reached through `client`. */
const clusterEngine = (client: Layer.Layer<SqlClient.SqlClient, unknown>): Layer.Layer<EngineServices, unknown> =>
  Layer.mergeAll(ClusterWorkflowEngine.layer.pipe(Layer.provide(singleRunner)), sqlRegistryLayer).pipe(Layer.provide(client));

/** The layer of a store's engine and registry. */
export const engineLayer = (backend: Backend): Layer.Layer<EngineServices, unknown> => {
  switch (backend.kind) {
    case "memory":
      return Layer.mergeAll(WorkflowEngine.layerMemory, Layer.succeed(Registry, memoryRegistry()));
    case "sqlite":
      return clusterEngine(sqliteClientLayer(backend.file));
    case "postgres":
      return clusterEngine(loadPg(backend));
    case "worker":
      return Layer.mergeAll(ClusterWorkflowEngine.layer.pipe(Layer.provide(socketRunner(backend))), sqlRegistryLayer).pipe(Layer.provide(loadPg(backend)));
  }
};

/**
 * A runner of a cluster of workers: other workers reach it over TCP at its
 * address (Effect's socket runner, with the Node socket layers of
 * `@effect/platform-node-shared`, not `@effect/platform-node`, whose undici 8
 * crashes on Node 20); shards, runners and messages live in PostgreSQL. The
 * configuration is built here, never read from the environment.
 */
const socketRunner = (backend: WorkerBackend) =>
  Layer.unwrap(
    Effect.map(
      Effect.tryPromise({
        try: () => import("@effect/platform-node-shared/NodeClusterSocket"),
        catch: (error) =>
          new Error(
            `worker() needs the @effect/platform-node-shared package (4.1.0): run \`npm install @effect/platform-node-shared@4.1.0\`. Loading it failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
      }),
      ({ layerClientProtocol, layerSocketServer }) => {
        const address = Option.some(RunnerAddress.make(backend.host, backend.port));
        const { lockExpirationMs, lockRefreshMs, pollMs } = backend.takeover;
        return Layer.provide(SocketRunner.layer, [layerSocketServer, layerClientProtocol]).pipe(
          Layer.provide(RunnerHealth.layerPing.pipe(Layer.provide(Runners.layerRpc), Layer.provide(layerClientProtocol))),
          Layer.provideMerge(SqlMessageStorage.layer.pipe(Layer.provide(Digest.layerWebCrypto))),
          Layer.provide(Layer.orDie(SqlRunnerStorage.layer)),
          Layer.provide(
            ShardingConfig.layer({
              runnerAddress: address,
              runnerListenAddress: address,
              shardLockExpiration: lockExpirationMs,
              shardLockRefreshInterval: lockRefreshMs,
              refreshAssignmentsInterval: pollMs,
              runnerHealthCheckInterval: pollMs,
              entityMessagePollInterval: pollMs,
              entityReplyPollInterval: pollMs,
              entityTerminationTimeout: 1000,
            }),
          ),
          Layer.provide(RpcSerialization.layerSchemaBinary()),
        );
      },
    ),
  );

/** `@effect/sql-pg`'s client, loaded only for a PostgreSQL store (it is an optional peer dependency). */
const loadPg = (backend: { readonly url: string; readonly maxConnections: number }): Layer.Layer<SqlClient.SqlClient, unknown> =>
  Layer.unwrap(
    Effect.map(
      Effect.tryPromise({
        try: () => import("@effect/sql-pg/PgClient"),
        catch: (error) =>
          new Error(
            `postgresStore() needs the @effect/sql-pg package (4.0.5): run \`npm install @effect/sql-pg@4.0.5\`. Loading it failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
      }),
      (PgClient) => PgClient.layer({ url: Redacted.make(backend.url), maxConnections: backend.maxConnections }),
    ),
  );
