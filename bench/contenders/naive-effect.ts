/**
 * The naive Effect scheduler stepgraph's own is measured against: every step
 * gets a Deferred and a fiber, all forked up front; each fiber awaits its
 * dependencies' Deferreds, does its work and completes its own Deferred.
 * Eager (a step starts when its own dependencies finish), but it pays for
 * every fiber and Deferred whether or not the step is ready. A node with
 * `reads` collects the values its dependencies' Deferreds completed with and
 * reads those outputs from them.
 */
import { Deferred, Effect, Fiber } from "effect";
import { isPromiseLike, readDeps, type Contender } from "../lib/contender.js";

export const naiveEffect: Contender = {
  name: "naive-effect",
  role: "baseline",
  encoding: "one forkChild fiber + one Deferred per step, all forked up front, each awaiting its deps' Deferreds; a fan-in reads the values they completed with",
  build(dag, work) {
    const indexOf = new Map(dag.nodes.map((node, index) => [node.id, index]));
    const nodes = dag.nodes.map((node) => ({
      node,
      deps: node.deps.map((id) => indexOf.get(id)!),
      reads: node.reads?.map((id) => node.deps.indexOf(id)),
    }));
    const program = (counter: { count: number }) =>
      Effect.gen(function* () {
        const done = nodes.map(() => Deferred.makeUnsafe<unknown>());
        const runWork = (node: (typeof nodes)[number]["node"]) =>
          Effect.suspend(() => {
            counter.count++;
            const returned = work(node);
            return isPromiseLike(returned) ? Effect.promise(() => returned) : Effect.succeed(returned);
          });
        const fibers = yield* Effect.forEach(nodes, ({ node, deps, reads }, index) =>
          Effect.forkChild(
            (reads === undefined
              ? Effect.forEach(deps, (dep) => Deferred.await(done[dep]!), { discard: true }).pipe(Effect.flatMap(() => runWork(node)))
              : Effect.forEach(deps, (dep) => Deferred.await(done[dep]!)).pipe(
                  Effect.flatMap((values) => {
                    readDeps(reads, (position) => values[position]);
                    return runWork(node);
                  }),
                )
            ).pipe(Effect.flatMap((value) => Deferred.succeed(done[index]!, value))),
          ),
        );
        yield* Fiber.joinAll(fibers);
      });
    return {
      async run() {
        const counter = { count: 0 };
        await Effect.runPromise(program(counter));
        return counter.count;
      },
    };
  },
};
