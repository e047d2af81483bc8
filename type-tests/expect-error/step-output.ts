// Guarantee 1: the output is what the Promise or Effect produces, not the wrapper.
import { Effect } from "effect";
import { pipeline } from "../../src/index.js";

export const p = pipeline("outputs")
  .step("value", () => 42)
  .step("promise", async () => "text")
  .step("effect", () => Effect.succeed({ ok: true as const }))
  .step("reads", { after: ["value", "promise", "effect"] }, (ctx) => {
    // @ts-expect-error a number is not a string
    const value: string = ctx.dep("value");
    // @ts-expect-error the Promise is unwrapped
    const promise: Promise<string> = ctx.dep("promise");
    // @ts-expect-error the Effect is unwrapped
    const effect: Effect.Effect<{ ok: true }> = ctx.dep("effect");
    // @ts-expect-error the literal type is kept
    const ok: false = ctx.dep("effect").ok;
    return [value, promise, effect, ok];
  });
