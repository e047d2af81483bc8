// Guarantee 5: run takes the schema's input type; steps see its output type.
import { z } from "zod";
import { pipeline } from "../../src/index.js";

const order = z.object({ quantity: z.string().transform(Number), note: z.string().default("") });
const fromZod = pipeline("order", { input: order }).step("total", (ctx) => {
  // @ts-expect-error steps see the transformed number, not the string
  const quantity: string = ctx.input.quantity;
  return quantity;
});
// @ts-expect-error run takes the schema's input: a string quantity
fromZod.run({ quantity: 3 });
// @ts-expect-error the schema's input is required
fromZod.run();
fromZod.run({ quantity: "3" });

const typed = pipeline<{ a: number }>("typed").step("double", (ctx) => ctx.input.a * 2);
// @ts-expect-error the type argument is the input
typed.run({ a: "1" });
// @ts-expect-error the input is required
typed.run();

const inputless = pipeline("inputless").step("now", () => Date.now());
// @ts-expect-error without schema or type argument, run takes no input
inputless.run({ a: 1 });
inputless.run();
