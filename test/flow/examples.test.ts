import { afterEach, describe, expect, it, vi } from "vitest";
import { printedBy } from "../examples/print.js";
import { main as conversation } from "../../examples/conversation.js";
import { main as localServer } from "../../examples/local-server.js";
import { main as routerExample } from "../../examples/router.js";

describe("flow examples", () => {
  afterEach(() => vi.restoreAllMocks());

  it("conversation.ts asks for what is missing and resumes without re-reading the request", async () => {
    const output = await printedBy(conversation);
    expect(output).toContain("local OpenAI-compatible server");
    expect(output.split("\n").filter((line) => line.startsWith("  (model calls"))).toEqual([
      "  (model calls this turn: understand ×1)",
      "  (model calls this turn: collect ×1)",
      "  (model calls this turn: collect ×1, confirm ×1)",
    ]);
    expect(output).toContain("Assistant: For which day, and for how many people?");
    expect(output).toContain("Assistant: For how many people?");
    expect(output).toContain("Assistant: Booked a table at Luigi's on Friday for 4.");
  });

  it("router.ts routes each ticket and counts the classifier's calls", async () => {
    const output = await printedBy(routerExample);
    expect(output).toContain('s0{"support_router"}');
    expect(output).toMatch(/#101 → billing +2 calls +Thanks for writing in\. We looked into it: open invoices INV-101\./);
    expect(output).toMatch(/#102 → technical 2 calls/);
    expect(output).toMatch(/#103 → general +1 calls +Thanks for ticket 103/);
    expect(output).toMatch(/Total cost: \$0\.0000\d\d/);
  });

  it("local-server.ts answers from its script, then its routes, retries an injected 429 and bills what it answered", async () => {
    const output = await printedBy(localServer);
    expect(output).toContain('scripted: contract, "A two-year lease.", script left: 0');
    expect(output).toContain('routed: invoice, attempts of "kind": 2');
    expect(output).toContain("last three responses: 429, 200, 200");
    expect(output).toContain("billed: 4 responses, 167 tokens; accounted: 4 calls");
  });
});
