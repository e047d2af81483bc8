/**
 * `npm run soak`: the long fault soak (5,000 runs by default) and the
 * interruption latencies (100 rounds of each kind), printed as the Markdown
 * figures docs/RELIABILITY.md quotes. Exits 1 if any guarantee failed.
 *
 *   node --expose-gc --import tsx scripts/soak.ts [--runs 5000] [--rounds 100] [--seed 1]
 */
import { parseArgs } from "node:util";
import { INTERRUPTION_KINDS, interruptions } from "../test/reliability/interruption-kit.js";
import { soak } from "../test/reliability/soak-kit.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5000" },
    rounds: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
  },
});
const runs = Number(values.runs);
const rounds = Number(values.rounds);
const seed = Number(values.seed);

const failures: string[] = [];
const check = (holds: boolean, what: string) => {
  if (!holds) failures.push(what);
};

const report = await soak({ runs, seed });
const lines: string[] = [];
const out = (line = "") => lines.push(line);
out(`### Fault soak: ${report.runs} runs (seed ${seed}), ${report.requests} requests, ${report.seconds.toFixed(1)} s`);
out();
out("| fault injected | requests |");
out("| --- | --- |");
for (const [kind, count] of Object.entries(report.faults)) out(`| ${kind} | ${count} |`);
out();
out("| outcome | runs |");
out("| --- | --- |");
for (const [kind, count] of Object.entries(report.outcomes)) out(`| ${kind} | ${count} |`);
out();
out("| figure | value |");
out("| --- | --- |");
out(`| tokens billed for readable replies (input / output) | ${report.billedReadable.inputTokens} / ${report.billedReadable.outputTokens} |`);
out(`| tokens accounted by the runs (input / output), calls | ${report.accounted.inputTokens} / ${report.accounted.outputTokens}, ${report.accounted.calls} |`);
out(`| billed for replies the client could not read (requests, input / output tokens) | ${report.billedUnreadable.requests}, ${report.billedUnreadable.inputTokens} / ${report.billedUnreadable.outputTokens} |`);
out(`| abandoned calls reported / requests the server saw end abnormally or aborted | ${report.abandoned.reported} / ${report.abandoned.atServer} |`);
out(`| reserved cost charged for abandoned calls | $${report.abandoned.reservedUsd.toFixed(6)} |`);
out(`| rejections not of an exported error class | ${report.foreignErrors.length} |`);
out(`| unhandled rejections and uncaught exceptions | ${report.unhandled} |`);
out(`| warnings printed | ${report.warnings.length} |`);
out(`| events after their run settled | ${report.lateEvents} |`);
out(`| handles left (by type, more than before) | ${JSON.stringify(report.handlesLeft)} |`);
out(`| heapUsed after GC: before, after a third, after (MB) | ${report.heapMb.before.toFixed(1)}, ${report.heapMb.atThird.toFixed(1)}, ${report.heapMb.after.toFixed(1)} |`);
check(report.foreignErrors.length === 0, "every rejection is an exported error class");
check(report.unhandled === 0, "nothing unhandled");
check(report.warnings.length === 0, "no warnings");
check(report.lateEvents === 0, "no event after its run settled");
check(report.accounted.inputTokens === report.billedReadable.inputTokens && report.accounted.outputTokens === report.billedReadable.outputTokens, "accounted = billed for readable replies");
check(report.abandoned.reported === report.abandoned.atServer, "every unreadable request reported abandoned");
check(Object.keys(report.handlesLeft).length === 0, "no handle left");
check(report.heapMb.after <= report.heapMb.atThird * 1.1, "heap after the soak within 10% of the heap after a third of it");

const measured = await interruptions(rounds);
out();
out(`### Interruption: ${rounds} rounds of each kind, ms from the interruption to the server seeing the request closed`);
out();
out("| interrupted by | median | p95 | max | cleanup ran once | request aborted |");
out("| --- | --- | --- | --- | --- | --- |");
for (const kind of INTERRUPTION_KINDS) {
  const ofKind = measured.filter((one) => one.kind === kind);
  const sorted = ofKind.map((one) => one.closedAfterMs).sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
  const once = ofKind.every((one) => one.finalizers === 1 && one.signalListeners === 1);
  const aborted = ofKind.every((one) => one.aborted);
  out(`| ${kind} | ${at(0.5)} | ${at(0.95)} | ${sorted.at(-1)} | ${once ? "yes" : "no"} | ${aborted ? "yes" : "no"} |`);
  check(once, `${kind}: cleanup exactly once`);
  check(aborted, `${kind}: request aborted`);
  check(at(0.95) <= 50, `${kind}: p95 within 50 ms`);
}
out();
out(failures.length === 0 ? "Every guarantee held." : `FAILED: ${failures.join("; ")}`);
console.log(lines.join("\n"));
if (failures.length > 0) process.exitCode = 1;
