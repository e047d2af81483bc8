import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../examples/demo.js";
import { printedBy } from "./print.js";

describe("the demo", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs the document pipeline against the local server and prints usage, a timeline, and a batch's progress", async () => {
    const printed = await printedBy(main);
    expect(printed).toContain("local OpenAI-compatible server");
    expect(printed).toContain("Category: news");
    expect(printed).toMatch(/Report: +This news document names 8 entities/);
    expect(printed).toMatch(/total +4 /);
    expect(printed).toMatch(/lookupMarket +\s+█+/);
    expect(printed).toMatch(/\[█{24}\] 8\/8 done, 0 failed, 0 running, \$0\.000\d+ spent/);
    expect(printed).not.toContain("$0.000000 spent");
    expect(printed).toMatch(/#2 Invoice 2291 .* → This invoice document/);
  });
});
