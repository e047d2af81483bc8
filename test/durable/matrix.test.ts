import { describe, expect, it } from "vitest";
import { crashMatrix } from "../../src/testing/index.js";

describe("the crash matrix", () => {
  it("resumes a ten-step pipeline with a diamond, a fan-out and a sub-pipeline killed at every journal boundary", async () => {
    const report = await crashMatrix({
      module: new URL("./fixtures/matrix.ts", import.meta.url),
      exportName: "matrixPipeline",
      input: { topic: "t" },
      execArgv: ["--import", "tsx"],
      durableModule: new URL("../../src/durable/index.ts", import.meta.url).href,
    });
    // Eleven journalled steps (the sub-pipeline step is journalled through its two steps): four boundaries each.
    expect(report.boundaries).toBe(44);
    expect(report.outputs).toMatchObject({ finish: { parts: [16, "t-left+t-right/b", "t-left+t-right/c"], done: true } });
    expect(report.cases.filter((entry) => entry.problems.length > 0)).toEqual([]);
    expect(report.cases.filter((entry) => entry.killed)).toHaveLength(report.boundaries);
    // A crash inside a step (after its start mark, before its outcome is stored) runs it again, and says so.
    expect(report.cases.some((entry) => entry.ranTwice.length > 0)).toBe(true);
    expect(report.ok).toBe(true);
  }, 300_000);
});
