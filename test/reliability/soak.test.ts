/**
 * A bounded fault soak in `npm test` (300 runs; `npm run soak` runs 5,000):
 * whatever the server injects, every run ends completed or with an exported
 * error class, nothing is unhandled, no warning is printed, no event arrives
 * after its run settled, every token billed for a readable reply is
 * accounted, every request the client could not read is reported abandoned,
 * and no handle of ours is left.
 */
import { describe, expect, it } from "vitest";
import { soak } from "./soak-kit.js";

describe("the fault soak", () => {
  it("holds every guarantee over 300 runs with 24% of requests faulted", async () => {
    const report = await soak({ runs: 300, seed: 7 });
    if (process.env["SOAK_DEBUG"] !== undefined) console.log(JSON.stringify(report));
    expect(report.foreignErrors).toEqual([]);
    expect(report.unhandled).toBe(0);
    expect(report.warnings).toEqual([]);
    expect(report.lateEvents).toBe(0);
    expect(Object.values(report.outcomes).reduce((sum, count) => sum + count, 0)).toBe(300);
    expect({
      inputTokens: report.accounted.inputTokens,
      outputTokens: report.accounted.outputTokens,
      abandoned: report.abandoned.reported,
    }).toEqual({
      inputTokens: report.billedReadable.inputTokens,
      outputTokens: report.billedReadable.outputTokens,
      abandoned: report.abandoned.atServer,
    });
    expect(report.handlesLeft).toEqual({});
    // Every kind of fault was injected at least once.
    for (const [kind, count] of Object.entries(report.faults)) expect(count, kind).toBeGreaterThan(0);
    // A leak of 100 KB per run would add 30 MB; what a V8 heap moves by itself is a few.
    expect(report.heapMb.after - report.heapMb.atThird).toBeLessThan(15);
  }, 120_000);
});
