/**
 * Mastra workflows (@mastra/core 0.24, the last line that supports Node 20;
 * 1.x needs Node >= 22.13). Its current workflow API composes steps with
 * `.then` (sequence) and `.parallel` (all of a group, then continue); it has
 * no per-step dependency list, so an arbitrary DAG can only be written as its
 * depth levels: `.then(step)` for a level of one, `.parallel(steps)` for a
 * wider level. That is exact for W1's diamond and level-by-level for W2.
 * (The deprecated `workflows/legacy` API had `.after([...])`; it is not used.)
 * A node with `reads` reads those steps' outputs with `getStepResult(id)`.
 */
import { RuntimeContext } from "@mastra/core/runtime-context";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { z } from "zod";
import { readDeps, type Contender, type Counter } from "../lib/contender.js";
import { levels } from "../lib/dag.js";

export const mastra: Contender = {
  name: "mastra",
  role: "peer",
  encoding: "createWorkflow + createStep; .then for a level of one step, .parallel for a wider level (no per-step deps API); a fan-in reads its inputs with getStepResult(id)",
  build(dag, work) {
    const step = (node: (typeof dag.nodes)[number]) => {
      const reads = node.reads;
      return createStep({
        id: node.id,
        inputSchema: z.any(),
        outputSchema: z.any(),
        execute:
          reads === undefined
            ? async ({ runtimeContext }) => {
                (runtimeContext.get("counter") as Counter).count++;
                await work(node);
                return node.id;
              }
            : async ({ runtimeContext, getStepResult }) => {
                (runtimeContext.get("counter") as Counter).count++;
                readDeps(reads, (id) => getStepResult(id));
                await work(node);
                return node.id;
              },
      });
    };
    // The builder's types track each step's schemas; a generated graph is built through the untyped view.
    let workflow: any = createWorkflow({ id: dag.name, inputSchema: z.any(), outputSchema: z.any() });
    for (const level of levels(dag)) {
      workflow = level.length === 1 ? workflow.then(step(level[0]!)) : workflow.parallel(level.map(step));
    }
    const committed = workflow.commit();
    return {
      async run() {
        const counter: Counter = { count: 0 };
        const runtimeContext = new RuntimeContext();
        runtimeContext.set("counter", counter);
        const run = await committed.createRunAsync();
        const result = await run.start({ inputData: {}, runtimeContext });
        if (result.status !== "success") throw new Error(`mastra run ended with status ${result.status}`);
        return counter.count;
      },
    };
  },
};
