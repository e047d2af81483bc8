import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../examples/demo.js";
import { printedBy } from "./print.js";

describe("the demo", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs the document pipeline against the local server and prints usage, a timeline, a batch's progress, and other providers' priced models", async () => {
    const printed = await printedBy(main);
    expect(printed).toContain("local OpenAI-compatible server");
    expect(printed).toContain("Category: news");
    expect(printed).toMatch(/Report: +This news document names 8 entities/);
    expect(printed).toMatch(/total +4 /);
    expect(printed).toMatch(/lookupMarket +\s+█+/);
    expect(printed).toMatch(/\[█{24}\] 8\/8 done, 0 failed, 0 running, \$0\.000\d+ spent/);
    expect(printed).not.toContain("$0.000000 spent");
    expect(printed).toMatch(/#2 Invoice 2291 .* → This invoice document/);
    // Then Claude, DeepSeek and Llama models through the same local endpoint, each priced.
    expect(printed).toContain("Other providers through the same endpoint, priced from @pydantic/genai-prices:");
    // 176 input tokens at 3 USD/M, 1024 written to the cache at 3.75, 24 output at 15.
    expect(printed).toMatch(/claude-3-5-sonnet-latest +1200 +0 +1024 +24 +\$0\.004728/);
    // 1200 input at 0.59 USD/M and 22 output at 0.79: 725,380 nano-dollars.
    expect(printed).toMatch(/llama-3\.3-70b-versatile +1200 +0 +0 +22 +\$0\.000725/);
    // DeepSeek's price depends on the hour (off-peak is half): either is a price, never unknown.
    expect(printed).toMatch(/deepseek-chat +1200 +1024 +0 +20 +\$0\.0000\d\d|deepseek-chat +1200 +1024 +0 +20 +\$0\.000141/);
    expect(printed).not.toContain("unknown");
  });
});
