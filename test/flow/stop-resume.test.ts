import { describe, expect, expectTypeOf, it } from "vitest";
import { CheckpointMismatchError, pipeline } from "../../src/index.js";

type Form = { name: string; email?: string };

const signup = (calls: string[]) =>
  pipeline<Form>("signup")
    .step("greet", (ctx) => {
      calls.push("greet");
      return `Hello ${ctx.input.name}`;
    })
    .step("slowSide", () => new Promise<string>((resolve) => setTimeout(() => resolve("side done"), 10)))
    .step("collect", { after: ["greet"] }, (ctx) => {
      calls.push("collect");
      return ctx.input.email === undefined ? ctx.stop({ missing: ["email"] as const }) : { email: ctx.input.email };
    })
    .step("confirm", { after: ["collect", "greet"] }, (ctx) => {
      calls.push("confirm");
      return `${ctx.dep("greet")}, we will write to ${ctx.dep("collect").email}`;
    });

describe("early stop and resume", () => {
  it("stops before dependents run, lets running steps finish, and reports the payload", async () => {
    const calls: string[] = [];
    const result = await signup(calls).run({ name: "Ada" });
    expect(result.status).toBe("stopped");
    if (result.status !== "stopped") return;
    expect(result.stoppedEarly).toBe(true);
    expect(result.stop).toEqual({ stepId: "collect", payload: { missing: ["email"] } });
    expectTypeOf(result.stop.payload).toEqualTypeOf<{ readonly missing: readonly ["email"] }>();
    expect(result.outputs).toEqual({ greet: "Hello Ada", slowSide: "side done" });
    expect(calls).toEqual(["greet", "collect"]);
    const skipped = result.trace.filter((event) => event.type === "skip").map((event) => event.stepId);
    expect(skipped).toEqual(["confirm"]);
  });

  it("resumes from the checkpoint without re-running completed steps", async () => {
    const calls: string[] = [];
    const first = await signup(calls).run({ name: "Ada" });
    const checkpoint = JSON.parse(JSON.stringify(first.checkpoint));
    calls.length = 0;
    const second = await signup(calls).run({ name: "Ada", email: "ada@example.com" }, { resume: checkpoint });
    expect(second.status).toBe("completed");
    expect(calls).toEqual(["collect", "confirm"]);
    expect(second.output).toBe("Hello Ada, we will write to ada@example.com");
    expect(second.outputs.slowSide).toBe("side done");
  });

  it("rejects a checkpoint from another pipeline or from changed steps", async () => {
    const first = await signup([]).run({ name: "Ada" });
    const other = pipeline<Form>("other").step("greet", () => "x");
    await expect(other.run({ name: "A" }, { resume: first.checkpoint })).rejects.toThrow(CheckpointMismatchError);
    const changed = pipeline<Form>("signup").step("greet", () => "x");
    await expect(changed.run({ name: "A" }, { resume: first.checkpoint })).rejects.toThrow(/no longer match/);
  });

  it("keeps stop payloads out of the step's output type", () => {
    const p = signup([]);
    type Outputs = Awaited<ReturnType<typeof p.run>>["outputs"];
    expectTypeOf<NonNullable<Outputs["collect"]>>().toEqualTypeOf<{ email: string }>();
  });
});
