import { describe, expect, it } from "vitest";
import { pipeline } from "../../src/index.js";

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

describe("cleanup", () => {
  it("leaves no timer behind after runs that succeed, fail, time out or are cancelled", async () => {
    const before = timers();
    const ok = pipeline("ok")
      .step("a", { timeout: "10 seconds", retries: 2 }, () => 1)
      .step("b", { after: ["a"], timeout: "10 seconds" }, async (ctx) => ctx.dep("a") + 1);
    await ok.run(undefined, { timeout: "30 seconds" });

    const failing = pipeline("failing").step("a", { timeout: "10 seconds" }, () => {
      throw new Error("x");
    });
    await failing.run(undefined, { timeout: "30 seconds" }).catch(() => undefined);

    const hanging = pipeline("hanging").step(
      "a",
      { timeout: "10 seconds" },
      (ctx) => new Promise((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        ctx.signal.addEventListener("abort", () => clearTimeout(timer));
      }),
    );
    await hanging.run(undefined, { timeout: 10 }).catch(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    await hanging.run(undefined, { signal: controller.signal }).catch(() => undefined);

    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBe(before);
  });
});
