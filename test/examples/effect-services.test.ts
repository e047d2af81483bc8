import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../examples/effect-services.js";
import { printedBy } from "./print.js";

describe("the Effect services example", () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs Effect steps with the services a layer provides, through run and toEffect", async () => {
    const printed = await printedBy(main);
    expect(printed).toContain("3 pens cost 6");
    expect(printed).toContain("2 books cost 20");
  });
});
