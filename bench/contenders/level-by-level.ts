/**
 * Level by level, as FastroAI- and CrewAI-style pipelines run a DAG: group
 * the steps by depth and await Promise.all of each level before starting the
 * next, so a step waits for its slowest same-level sibling, not just its
 * own dependencies.
 */
import type { Contender } from "../lib/contender.js";
import { levels } from "../lib/dag.js";

export const levelByLevel: Contender = {
  name: "level-by-level",
  role: "baseline",
  encoding: "steps grouped by depth; Promise.all per level, levels in sequence",
  build(dag, work) {
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
  },
};
