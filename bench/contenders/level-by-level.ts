/**
 * Level by level, as FastroAI- and CrewAI-style pipelines run a DAG: group
 * the steps by depth and await Promise.all of each level before starting the
 * next, so a step waits for its slowest same-level sibling, not just its
 * own dependencies. Outputs are kept (in a per-run array) only for the steps
 * some node reads; a node with `reads` reads them from there.
 */
import { isPromiseLike, readDeps, type Contender } from "../lib/contender.js";
import { levels, readIds } from "../lib/dag.js";

export const levelByLevel: Contender = {
  name: "level-by-level",
  role: "baseline",
  encoding: "steps grouped by depth; Promise.all per level, levels in sequence; a fan-in reads outputs kept per run",
  build(dag, work) {
    const read = readIds(dag);
    if (read.size === 0) {
      // Nothing is read: no outputs to keep.
      const grouped = levels(dag);
      return {
        async run() {
          let count = 0;
          for (const level of grouped) {
            await Promise.all(
              level.map(async (node) => {
                count++;
                return work(node);
              }),
            );
          }
          return count;
        },
      };
    }
    const indexOf = new Map(dag.nodes.map((node, index) => [node.id, index]));
    const grouped = levels(dag).map((level) =>
      level.map((node) => ({
        node,
        index: indexOf.get(node.id)!,
        kept: read.has(node.id),
        reads: node.reads?.map((id) => indexOf.get(id)!),
      })),
    );
    return {
      async run() {
        let count = 0;
        const outputs: unknown[] = new Array(dag.nodes.length);
        for (const level of grouped) {
          await Promise.all(
            level.map(async ({ node, index, kept, reads }) => {
              count++;
              if (reads !== undefined) readDeps(reads, (dep) => outputs[dep]);
              const returned = work(node);
              if (!kept) return returned;
              // Keep the output without an extra await when the work was synchronous (0 ms).
              if (!isPromiseLike(returned)) return (outputs[index] = returned);
              return (outputs[index] = await returned);
            }),
          );
        }
        return count;
      },
    };
  },
};
