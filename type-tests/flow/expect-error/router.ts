// Routers: a route name that is not a route, and routes that do not accept the router's input.
import { z } from "zod";
import { pipeline, router } from "../../../src/index.js";

const simple = pipeline<{ text: string }>("simple").step("summary", (ctx) => ctx.input.text);
const numbers = pipeline<{ n: number }>("numbers").step("double", (ctx) => ctx.input.n * 2);
const strictText = pipeline<{ text: "exact" }>("strict").step("echo", (ctx) => ctx.input.text);

router("unknownRoute", {
  routes: { simple },
  // @ts-expect-error says `Type '"medium"' is not assignable to type '"simple" | PromiseLike<"simple">'`
  route: (input) => (input.text.length > 3 ? "simple" : "medium"),
});

router("unknownFallback", {
  routes: { simple },
  route: () => "simple",
  // @ts-expect-error says `'"other"' is not assignable`
  fallback: "other",
});

router("schemaMismatch", {
  input: z.object({ text: z.string() }),
  routes: {
    simple,
    // @ts-expect-error says `Route "strictText" does not accept the router's input`
    strictText,
  },
  route: () => "simple",
});

router("incompatible", {
  routes: {
    // @ts-expect-error says `no value in common`
    simple,
    // @ts-expect-error says `no value in common`
    numbers: pipeline<{ text: number }>("n").step("a", (ctx) => ctx.input.text),
  },
  route: () => "simple",
});

router("notAFlow", {
  routes: {
    simple,
    // @ts-expect-error says `Route "other" must be a pipeline or a router`
    other: { name: "other" },
  },
  route: () => "simple",
});

const docs = router("docs", { routes: { simple }, route: () => "simple" });
// @ts-expect-error the router takes its routes' input
docs.run({ n: 1 });
// @ts-expect-error a batch's inputs are the router's inputs
docs.runMany([{ n: 1 }]);
export { numbers };

// A router's client is an OpenAI client, and its pricing a price table (issue 14, item 7).
// @ts-expect-error client must be an OpenAI client
router("badClient", { routes: { billing: pipeline<{ text: string }>("b").step("a", () => 1) }, route: () => "billing" as const, client: "key" });
// @ts-expect-error pricing gives USD per million input and output tokens
router("badPricing", { routes: { billing: pipeline<{ text: string }>("b").step("a", () => 1) }, route: () => "billing" as const, pricing: { m: { in: 1 } } });
