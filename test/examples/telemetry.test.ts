import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../examples/telemetry.js";
import { printedBy } from "./print.js";

describe("examples/telemetry.ts", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints the document run's trace: the run, its steps and their model calls, with tokens and cost", async () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    try {
      const output = await printedBy(main);
      const cost = /Run: 4 model calls, (\d+) nano-USD\./.exec(output)?.[1];
      expect(cost).toBeDefined();
      const tree = output.split("\n").filter((line) => line.includes("  (")).map((line) => line.replace(/ {2}\(.*$/, ""));
      expect(tree[0]).toBe("invoke_workflow document_report");
      expect(output).toContain(`invoke_workflow document_report  (`);
      expect(output.split("\n").find((line) => line.startsWith("invoke_workflow"))).toContain(`, ${cost} nano-USD)`);
      expect(tree.filter((line) => line.startsWith("  step ")).sort()).toEqual(
        ["  step classify", "  step extract", "  step lookupEntities", "  step lookupMarket", "  step report"],
      );
      // Each agent step's model call is printed under it.
      for (const step of ["extract", "classify", "lookupEntities", "report"]) {
        expect(tree[tree.indexOf(`  step ${step}`) + 1], step).toBe("    chat gpt-4o-mini");
      }
    } finally {
      if (saved !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    }
  });
});
