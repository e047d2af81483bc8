import { describe, expect, it } from "vitest";
import { main } from "../../examples/durable/resume.js";

describe("the durable example", () => {
  it("kills its first process in step 3 and resumes in a second one, taking steps 1-2 from the journal", async () => {
    const printed = await main();
    expect(printed).toContain('first process: killed by SIGKILL in step "edit"');
    expect(printed).toContain("second process: completed");
    expect(printed).toContain("taken from the journal: outline, draft");
    expect(printed).toContain("ran again (possibly twice): edit");
    expect(printed).toContain("requests the server saw: outline 1, draft 1, edit 1, title 1");
  }, 60_000);
});
