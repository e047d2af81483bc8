/**
 * The floor: what the DAG costs with nothing but Promises. Each step awaits
 * Promise.all of its dependencies' promises, then does its work. No retries,
 * timeouts, events or typed outputs: the least any eager scheduler can do.
 * A node with `reads` takes those outputs from the array Promise.all
 * resolved with, at positions worked out once when the DAG is built.
 */
import { readDeps, type Contender } from "../lib/contender.js";

export const promiseFloor: Contender = {
  name: "promise-floor",
  role: "baseline",
  encoding: "one async function per step awaiting Promise.all of its dependencies' promises; a fan-in reads the values it resolved with",
  build(dag, work) {
    const indexOf = new Map(dag.nodes.map((node, index) => [node.id, index]));
    const nodes = dag.nodes.map((node) => ({
      node,
      deps: node.deps.map((id) => indexOf.get(id)!),
      reads: node.reads?.map((id) => node.deps.indexOf(id)),
    }));
    return {
      async run() {
        let count = 0;
        const promises: Promise<unknown>[] = new Array(nodes.length);
        nodes.forEach(({ node, deps, reads }, index) => {
          promises[index] =
            reads === undefined
              ? (async () => {
                  await Promise.all(deps.map((dep) => promises[dep]));
                  count++;
                  return work(node);
                })()
              : (async () => {
                  const values = await Promise.all(deps.map((dep) => promises[dep]));
                  count++;
                  readDeps(reads, (position) => values[position]);
                  return work(node);
                })();
        });
        await Promise.all(promises);
        return count;
      },
    };
  },
};
