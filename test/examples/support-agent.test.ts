import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../examples/support-agent.js";
import { printedBy } from "./print.js";

describe("support-agent.ts", () => {
  afterEach(() => vi.restoreAllMocks());

  it("calls the agent on its own and from a step, its tool reading each run's services", async () => {
    const output = await printedBy(main);
    expect(output).toContain("local OpenAI-compatible server");
    expect(output).toContain("agent.run: Your recent orders: ada: desk lamp, ada: bookshelf. (2 requests, 1 tool call, $0.000044)");
    expect(output).toContain("helpdesk: Your recent orders: grace: desk lamp, grace: bookshelf. (2 requests)");
  });
});
