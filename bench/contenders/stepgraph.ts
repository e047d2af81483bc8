/**
 * stepgraph itself, through its public API: `pipeline().step(id, { after }, fn)`
 * once per node, then `p.run(input)` per run. The per-run tally travels as
 * the pipeline's input.
 */
import { pipeline } from "../../src/index.js";
import type { Contender, Counter } from "../lib/contender.js";

/**
 * The builder seen without its type-level bookkeeping: the bench generates
 * ids at run time, which the typed `.step` (rightly) cannot check.
 */
interface UntypedPipeline {
  step(id: string, options: { readonly after: ReadonlyArray<string> }, run: (ctx: { readonly input: Counter }) => unknown): UntypedPipeline;
  run(input: Counter): Promise<{ readonly status: string }>;
}

export const stepgraph: Contender = {
  name: "stepgraph",
  role: "subject",
  encoding: "pipeline().step(id, { after: deps }, fn) per step, run(input) per run",
  build(dag, work) {
    let built = pipeline<Counter>(dag.name) as unknown as UntypedPipeline;
    for (const node of dag.nodes) {
      built = built.step(node.id, { after: node.deps }, (ctx) => {
        ctx.input.count++;
        return work(node);
      });
    }
    const runnable = built;
    return {
      async run() {
        const counter: Counter = { count: 0 };
        const result = await runnable.run(counter);
        if (result.status !== "completed") throw new Error(`stepgraph run ended with status ${result.status}`);
        return counter.count;
      },
    };
  },
};
