import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../examples/hooks.js";
import { printedBy } from "./print.js";

describe("examples/hooks.ts", () => {
  afterEach(() => vi.restoreAllMocks());

  it("audits every attempt, retries by the call defaults, and opens the breaker after two failures", async () => {
    const output = await printedBy(main);
    expect(output).toMatch(/^first run: Echo: Review: .* \(1 call, \d+ nano-USD, up to 2 retries per call\)$/m);
    expect(output).toContain("second run: draft skipped (2 requests failed in a row; retry after 60000 ms), 2 requests sent");
    const audit = output.split("audit log:\n")[1]!.split("\n").map((line) => line.trim().replace(/\d+ nano-USD/g, "N nano-USD").replace(/~\d+ tokens/, "~T tokens"));
    expect(audit).toEqual([
      "→ draft #1: gpt-4o-mini, ~T tokens, reserved N nano-USD",
      "✗ draft #1: HTTP 500",
      "→ draft #2: gpt-4o-mini, ~T tokens, reserved N nano-USD",
      "← draft #2: N nano-USD",
      "→ review #1: gpt-4o-mini, ~T tokens, reserved N nano-USD",
      "← review #1: N nano-USD",
      "→ draft #1: gpt-4o-mini, ~T tokens, reserved N nano-USD",
      "✗ draft #1: HTTP 500",
      "→ draft #2: gpt-4o-mini, ~T tokens, reserved N nano-USD",
      "✗ draft #2: HTTP 500",
    ]);
  });
});
