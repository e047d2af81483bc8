/**
 * Guarantee 1: a step's output type is inferred from what its function
 * returns: a plain value, a Promise, or an Effect (its success type only).
 */
import { Effect, Layer } from "effect";
import { expectError, expectNotType, expectType } from "tsd";
import { pipeline } from "../src/index.js";

class NotFound {
  readonly _tag = "NotFound";
}
interface Clock {
  readonly now: () => number;
}
declare const lookup: Effect.Effect<{ readonly id: string }, NotFound, Clock>;
declare const clockLayer: Layer.Layer<Clock>;

const p = pipeline("outputs")
  .step("value", () => 42)
  .step("object", () => ({ name: "Ada", tags: ["x"] }))
  .step("promise", async () => "text")
  .step("nestedPromise", () => Promise.resolve(Promise.resolve([1, 2])))
  .step("effect", () => Effect.succeed({ ok: true as const }))
  .step("effectWithErrorAndRequirements", () => lookup)
  .step("constant", () => "fixed" as const)
  .step("nothing", () => {})
  .step("reads", { after: ["value", "promise", "effect", "effectWithErrorAndRequirements"] }, (ctx) => {
    expectType<number>(ctx.dep("value"));
    expectType<string>(ctx.dep("promise"));
    expectType<{ ok: true }>(ctx.dep("effect"));
    expectType<{ readonly id: string }>(ctx.dep("effectWithErrorAndRequirements"));
    expectNotType<Promise<string>>(ctx.dep("promise"));
    return ctx.dep("value");
  });

// The Effect step's requirement is the pipeline's: run must be given a layer providing it.
expectError(p.run());
declare const required: Effect.Services<ReturnType<typeof p.toEffect>>;
expectType<Clock>(required);
const result = await p.run(undefined, { layer: clockLayer });
expectType<number>(result.outputs.value);
expectType<{ name: string; tags: string[] }>(result.outputs.object);
expectType<string>(result.outputs.promise);
expectType<number[]>(result.outputs.nestedPromise);
expectType<{ ok: true }>(result.outputs.effect);
expectType<{ readonly id: string }>(result.outputs.effectWithErrorAndRequirements);
expectType<"fixed">(result.outputs.constant);
expectType<void>(result.outputs.nothing);
expectType<number>(result.outputs.reads);

// The wrapper is not part of the output: no Promise, no Effect.
expectError(result.outputs.promise.then);
expectError(result.outputs.effect.pipe);
expectError(result.outputs.value.toUpperCase());
