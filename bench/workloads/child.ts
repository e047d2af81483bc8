/**
 * Runs one in-process workload for a group of contenders in a fresh process
 * and prints one JSON line with the raw samples (ChildSamples). The parent
 * (lib/isolated.ts) decides the groups: stepgraph with the other non-peer contenders, and each
 * peer with stepgraph and the Promise floor beside it, so every ratio the
 * report shows comes from one process, and no peer's side effects reach the
 * figures of stepgraph and the baselines. (LangGraph runs its nodes inside
 * AsyncLocalStorage, which switches on Node's promise hooks for the whole
 * process: after the peers had run in the same process, the floor's W3
 * µs/step measured 2.2–2.4x its figure in a process where none had.)
 *
 * W3-wide measures two DAGs interleaved: the join reading every dependency
 * (samples under the contender's name) and reading none (under
 * `name@wide-reads-none`).
 *
 * Usage: node --import tsx bench/workloads/child.ts <W1|W2|W3-chain|W3-wide|W5> <name,name,...> '<options json>'
 */
import { setMaxListeners } from "node:events";
import { contenderNames, loadContender, type ContenderName } from "../contenders/index.js";
import { simulatedLatency, type Contender } from "../lib/contender.js";
import { measureMakespans } from "../lib/makespan.js";
import { measureOverhead, type OverheadOptions } from "../lib/overhead.js";
import type { Dag } from "../lib/dag.js";
import { childWorkloads, sampleKey, type ChildSamples, type ChildWorkload } from "../lib/isolated.js";
import type { Summary } from "../lib/stats.js";
import {
  W1_DAG,
  W2_DAG,
  W3_DAGS,
  W3_WIDE_VARIANT,
  W5_DAG,
  WorkloadUnavailable,
  withModelServer,
  type LatencyOptions,
  type W3Shape,
} from "./definitions.js";

// LangGraph adds one abort listener per running node to a shared signal; Node's
// warning about more than 10 is noise here, not a finding.
setMaxListeners(0);

const [workload, namesArg = "", optionsArg = "{}"] = process.argv.slice(2);
if (!childWorkloads.includes(workload as ChildWorkload)) throw new Error(`unknown workload ${String(workload)}; use one of ${childWorkloads.join(", ")}`);
const contenders: Contender[] = [];
const failed: Record<string, string> = {};
for (const name of namesArg.split(",")) {
  if (!contenderNames.includes(name as ContenderName)) throw new Error(`unknown contender ${name}`);
  const loaded = await loadContender(name as ContenderName);
  if (loaded.ok) contenders.push(loaded.contender);
  else failed[name] = `could not be loaded: ${loaded.reason}`;
}

const samplesOf = (summaries: ReadonlyMap<string, Summary>) =>
  Object.fromEntries([...summaries].map(([name, summary]) => [name, summary.samples]));

const measure = async (): Promise<ChildSamples> => {
  switch (workload as ChildWorkload) {
    case "W1":
    case "W2": {
      const options = JSON.parse(optionsArg) as LatencyOptions;
      const outcome = await measureMakespans(contenders, workload === "W1" ? W1_DAG : W2_DAG, simulatedLatency, options);
      return { samples: samplesOf(outcome.makespanMs), failed: { ...failed, ...Object.fromEntries(outcome.failed) } };
    }
    case "W3-chain":
    case "W3-wide": {
      const options = JSON.parse(optionsArg) as OverheadOptions;
      // W3-wide interleaves the join reading every dependency with the join reading none, in this one process.
      const dags: ReadonlyArray<{ variant: W3Shape | undefined; dag: Dag }> =
        workload === "W3-chain"
          ? [{ variant: undefined, dag: W3_DAGS.chain }]
          : [
              { variant: undefined, dag: W3_DAGS.wide },
              { variant: W3_WIDE_VARIANT, dag: W3_DAGS[W3_WIDE_VARIANT] },
            ];
      const entries = contenders.flatMap((contender) => dags.map(({ variant, dag }) => ({ key: sampleKey(contender.name, variant), contender, dag })));
      const outcome = await measureOverhead(entries, simulatedLatency, options);
      return {
        samples: samplesOf(outcome.microsPerStep),
        runsPerSample: samplesOf(outcome.runsPerSample),
        failed: { ...failed, ...Object.fromEntries(outcome.failed) },
      };
    }
    case "W5": {
      const options = JSON.parse(optionsArg) as LatencyOptions;
      try {
        return await withModelServer(async (call, singleCallMs, requests) => {
          const outcome = await measureMakespans(contenders, W5_DAG, call, options);
          return {
            samples: samplesOf(outcome.makespanMs),
            failed: { ...failed, ...Object.fromEntries(outcome.failed) },
            model: { singleCallMs, requests: requests() },
          };
        });
      } catch (error) {
        if (error instanceof WorkloadUnavailable) return { samples: {}, failed, unavailable: error.message };
        throw error;
      }
    }
  }
};

const result = await measure();
// A peer may leave timers or sockets behind; once the samples are out, do not wait for them.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
