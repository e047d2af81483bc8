import { describe, expect, expectTypeOf, it } from "vitest";
import { pipeline } from "../../src/index.js";

describe("when conditions", () => {
  const translated = (calls: string[]) =>
    pipeline<{ text: string; translate: boolean }>("translate")
      .step("detect", (ctx) => (ctx.input.text.startsWith("Bonjour") ? ("fr" as const) : ("en" as const)))
      .step("translate", { after: ["detect"], when: (ctx) => ctx.input.translate && ctx.dep("detect") !== "en" }, (ctx) => {
        calls.push("translate");
        return `[${ctx.dep("detect")}→en] ${ctx.input.text}`;
      })
      .step("publish", { after: ["translate"] }, (ctx) => {
        calls.push("publish");
        const translation = ctx.depOrUndefined("translate");
        expectTypeOf(translation).toEqualTypeOf<string | undefined>();
        return translation ?? "(untranslated)";
      });

  it("skips a step whose condition is false; its dependents still run and read undefined", async () => {
    const calls: string[] = [];
    const result = await translated(calls).run({ text: "Bonjour", translate: false });
    expect(calls).toEqual(["publish"]);
    expect(result.output).toBe("(untranslated)");
    expect(result.outputs).toEqual({ detect: "fr", publish: "(untranslated)" });
    expect(result.trace.filter((event) => event.type === "skip")).toEqual([
      expect.objectContaining({ stepId: "translate", reason: "condition-false" }),
    ]);
  });

  it("runs the step when its condition holds, and its dependents read its output", async () => {
    const calls: string[] = [];
    const result = await translated(calls).run({ text: "Bonjour", translate: true });
    expect(calls).toEqual(["translate", "publish"]);
    expect(result.output).toBe("[fr→en] Bonjour");
  });

  it("reads the condition's dependencies before deciding", async () => {
    const calls: string[] = [];
    const result = await translated(calls).run({ text: "Hello", translate: true });
    expect(calls).toEqual(["publish"]);
    expect(result.outputs.translate).toBeUndefined();
  });
});
