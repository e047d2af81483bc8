/**
 * stepgraph itself, through its public API: `pipeline().step(id, { after }, fn)`
 * once per node, then `p.run(input)` per run. The per-run tally travels as
 * the pipeline's input. A node with `reads` reads those dependencies'
 * outputs with `ctx.dep(id)` before its work.
 */
import { pipeline } from "../../src/index.js";
import { readDeps, type Contender, type Counter } from "../lib/contender.js";

/**
 * The builder seen without its type-level bookkeeping: the bench generates
 * ids at run time, which the typed `.step` (rightly) cannot check.
 */
interface StepContext {
  readonly input: Counter;
  dep(id: string): unknown;
}

interface UntypedPipeline {
  step(id: string, options: { readonly after: ReadonlyArray<string> }, run: (ctx: StepContext) => unknown): UntypedPipeline;
  run(input: Counter): Promise<{ readonly status: string }>;
}

export const stepgraph: Contender = {
  name: "stepgraph",
  role: "subject",
  encoding: "pipeline().step(id, { after: deps }, fn) per step, run(input) per run; a fan-in reads its inputs with ctx.dep(id)",
  build(dag, work) {
    let built = pipeline<Counter>(dag.name) as unknown as UntypedPipeline;
    for (const node of dag.nodes) {
      const reads = node.reads;
      // A step that reads nothing runs exactly the function it always did.
      built = built.step(
        node.id,
        { after: node.deps },
        reads === undefined
          ? (ctx) => {
              ctx.input.count++;
              return work(node);
            }
          : (ctx) => {
              ctx.input.count++;
              readDeps(reads, (id) => ctx.dep(id));
              return work(node);
            },
      );
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
