/**
 * Guarantee 5: steps see the input schema's output type as `ctx.input`, and
 * `run` requires the schema's input type. Any Standard Schema works (zod,
 * Effect Schema, a hand-written one). Without a schema the input type is the
 * type argument, or void so that `run()` takes no argument.
 */
import { Schema } from "effect";
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd";
import { z } from "zod";
import { pipeline, type StandardSchemaV1 } from "../src/index.js";

// zod: the transform and the default make the input and output types differ.
const order = z.object({
  quantity: z.string().transform((text) => Number(text)),
  note: z.string().default(""),
});
const zodPipeline = pipeline("order", { input: order }).step("total", (ctx) => {
  expectType<{ quantity: number; note: string }>(ctx.input);
  return ctx.input.quantity * 2;
});
type OrderInput = Parameters<typeof zodPipeline.run>[0];
expectAssignable<OrderInput>({ quantity: "3" });
expectNotAssignable<OrderInput>({ quantity: 3, note: "" });
zodPipeline.run({ quantity: "3" });
zodPipeline.run({ quantity: "3", note: "urgent" });
expectError(zodPipeline.run({ quantity: 3 }));
expectError(zodPipeline.run({ note: "no quantity" }));
expectError(zodPipeline.run());

// Effect Schema, through its Standard Schema adapter.
const effectSchema = Schema.toStandardSchemaV1(Schema.Struct({ count: Schema.NumberFromString }));
const effectPipeline = pipeline("effect-schema", { input: effectSchema }).step("double", (ctx) => {
  expectType<number>(ctx.input.count);
  return ctx.input.count * 2;
});
effectPipeline.run({ count: "2" });
expectError(effectPipeline.run({ count: 2 }));

// A hand-written Standard Schema: a string in, a parsed URL out.
const url: StandardSchemaV1<string, URL> = {
  "~standard": {
    version: 1,
    vendor: "hand-written",
    validate: (value) => (typeof value === "string" ? { value: new URL(value) } : { issues: [{ message: "not a string" }] }),
  },
};
const urlPipeline = pipeline("url", { input: url }).step("host", (ctx) => {
  expectType<URL>(ctx.input);
  return ctx.input.host;
});
urlPipeline.run("https://example.com");
expectError(urlPipeline.run(new URL("https://example.com")));

// No schema: the type argument is both what `run` takes and what steps see.
const typed = pipeline<{ a: number }>("typed").step("double", (ctx) => {
  expectType<{ a: number }>(ctx.input);
  return ctx.input.a * 2;
});
typed.run({ a: 1 });
expectError(typed.run({ a: "1" }));
expectError(typed.run());

// No schema and no type argument: the input is void and `run()` takes nothing.
const inputless = pipeline("inputless").step("now", (ctx) => {
  expectType<void>(ctx.input);
  return Date.now();
});
inputless.run();
expectError(inputless.run({ a: 1 }));
