// Agents: what must not compile. Each marker guards exactly one error.
import { z } from "zod";
import { agent, pipeline, tool } from "../../src/index.js";

const extractor = agent({ model: "gpt-4o-mini", output: z.object({ entities: z.array(z.string()) }) });

pipeline<{ text: string }>("agents")
  .step("extract", extractor.asStep((ctx) => ctx.input.text))
  .step("use", { after: ["extract"] }, async (ctx) => {
    const { output } = await ctx.run(extractor, ctx.input.text);
    // @ts-expect-error the schema has no `summary` field
    return output.summary;
  })
  // @ts-expect-error an agent's output is what its schema says: entities is an array, not a string
  .step("wrong", { after: ["extract"] }, (ctx) => ctx.dep("extract").entities.toUpperCase());

pipeline<{ text: string }>("asStepScope")
  .step("a", () => 1)
  // @ts-expect-error asStep's ctx reads only the step's own dependencies
  .step("b", extractor.asStep((ctx) => String(ctx.dep("a"))));

agent({
  model: "gpt-4o-mini",
  tools: {
    weather: tool({
      description: "Weather for a city",
      parameters: z.object({ city: z.string() }),
      // @ts-expect-error the arguments have no `town`
      execute: async (args) => args.town,
    }),
  },
});

// @ts-expect-error an agent needs a model
agent({ system: "No model" });

// @ts-expect-error an agent's output schema is a zod 4 schema, not any object with a parse method
agent({ model: "gpt-4o-mini", output: { parse: (value: unknown) => value } });

// @ts-expect-error call options are checked: timeout is a duration, not a boolean
pipeline("opts").step("a", async (ctx) => (await ctx.run(extractor, "x", { timeout: true })).output);

// @ts-expect-error an agent's provider is a provider id of the price database: a string
agent({ model: "llama-3.3-70b-versatile", provider: 42 });
