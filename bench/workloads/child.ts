/**
 * Runs one in-process workload for a group of contenders in a fresh process
 * and prints one JSON line with the raw samples. The parent (run.ts) decides
 * the groups: stepgraph with the other non-peer contenders, and each peer
 * with stepgraph and the Promise floor beside it, so every ratio the report
 * shows comes from one process.
 *
 * Usage: node --import tsx bench/workloads/child.ts <W1|W2|W3-chain|W3-wide|W5> <name,name,...> '<options json>'
 */
import { setMaxListeners } from "node:events";
import { contenderNames, loadContender, type ContenderName } from "../contenders/index.js";
import { simulatedLatency, type Contender } from "../lib/contender.js";
import { chain, wide } from "../lib/dag.js";
import { measureMakespans } from "../lib/makespan.js";
import { measureOverhead, type OverheadOptions } from "../lib/overhead.js";
import { W1_DAG, W2_DAG, W3_STEPS, W5_DAG, withModelServer, type LatencyOptions } from "./definitions.js";

/** What a child prints. */
export interface ChildSamples {
  readonly samples: Record<string, ReadonlyArray<number>>;
  readonly failed: Record<string, string>;
  readonly runsPerSample?: Record<string, number>;
  readonly extra?: unknown;
}

// LangGraph adds one abort listener per running node to a shared signal; Node's
// warning about more than 10 is noise here, not a finding.
setMaxListeners(0);

const [workload, namesArg = "", optionsArg = "{}"] = process.argv.slice(2);
const options = JSON.parse(optionsArg) as LatencyOptions & OverheadOptions;
const contenders: Contender[] = [];
const failed: Record<string, string> = {};
for (const name of namesArg.split(",")) {
  if (!contenderNames.includes(name as ContenderName)) throw new Error(`unknown contender ${name}`);
  const loaded = await loadContender(name as ContenderName);
  if (loaded.ok) contenders.push(loaded.contender);
  else failed[name] = `could not be loaded: ${loaded.reason}`;
}

const fromMaps = (samples: ReadonlyMap<string, { samples: ReadonlyArray<number> }>, lost: ReadonlyMap<string, string>) => ({
  samples: Object.fromEntries([...samples].map(([name, summary]) => [name, summary.samples])),
  failed: { ...failed, ...Object.fromEntries(lost) },
});

let result: ChildSamples;
switch (workload) {
  case "W1":
  case "W2": {
    const outcome = await measureMakespans(contenders, workload === "W1" ? W1_DAG : W2_DAG, simulatedLatency, options);
    result = fromMaps(outcome.makespanMs, outcome.failed);
    break;
  }
  case "W3-chain":
  case "W3-wide": {
    const dag = workload === "W3-chain" ? chain(W3_STEPS) : wide(W3_STEPS);
    const outcome = await measureOverhead(contenders, dag, simulatedLatency, options);
    result = { ...fromMaps(outcome.microsPerStep, outcome.failed), runsPerSample: Object.fromEntries(outcome.runsPerSample) };
    break;
  }
  case "W5": {
    result = await withModelServer(async (call, singleCallMs, requests) => {
      const outcome = await measureMakespans(contenders, W5_DAG, call, options);
      return { ...fromMaps(outcome.makespanMs, outcome.failed), extra: { singleCallMs, requests: requests() } };
    });
    break;
  }
  default:
    throw new Error(`unknown workload ${String(workload)}`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
