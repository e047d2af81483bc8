/**
 * Agents (the agents issue): `ctx.run` and `ctx.stream` resolve to the output
 * schema's type (text without one), `asStep` types its message function's
 * `ctx` from the surrounding `.step` and makes the step's output the
 * agent's, and tools type their arguments from their parameters schema.
 */
import { expectError, expectType } from "tsd";
import { z } from "zod";
import { agent, pipeline, tool, type AgentResponse, type Usage } from "../src/index.js";

const extractor = agent({
  model: "openai:gpt-4o-mini",
  output: z.object({ entities: z.array(z.string()), confidence: z.number().optional() }),
});
const writer = agent({ model: "gpt-4o-mini" });

pipeline("agents", { input: z.object({ document: z.string() }) })
  .step("extract", async (ctx) => {
    const response = await ctx.run(extractor, `Extract: ${ctx.input.document}`, { retries: 2, timeout: "20 seconds" });
    expectType<{ entities: string[]; confidence?: number | undefined }>(response.output);
    expectType<string>(response.text);
    expectType<Usage>(response.usage);
    return response.output;
  })
  .step("write", { after: ["extract"] }, async (ctx) => {
    const response = await ctx.run(writer, ctx.dep("extract").entities.join(", "));
    expectType<AgentResponse<string>>(response);
    const stream = ctx.stream(writer, "Write a haiku");
    for await (const delta of stream) expectType<string>(delta);
    expectType<string>((await stream).output);
    expectType<{ entities: string[]; confidence?: number | undefined }>((await ctx.stream(extractor, "x").response).output);
    // The agent's output is not anything else.
    expectError<number>(response.output);
    return response.output;
  });

// asStep: the message function's ctx is the step's, and the step's output is the agent's.
const p = pipeline<{ text: string }>("asStep")
  .step("extract", extractor.asStep((ctx) => `Extract: ${ctx.input.text}`))
  .step("summary", { after: ["extract"] }, writer.asStep((ctx) => `Summarize: ${ctx.dep("extract").entities.join(", ")}`))
  .step("report", { after: ["extract", "summary"] }, (ctx) => {
    expectType<{ entities: string[]; confidence?: number | undefined }>(ctx.dep("extract"));
    expectType<string>(ctx.dep("summary"));
    return ctx.dep("summary").length;
  });
expectType<Promise<number>>(p.run({ text: "x" }).then((result) => result.output));

// asStep with a fixed prompt: the step's output is still the agent's.
const fixed = pipeline("asStepFixed").step("entities", extractor.asStep("Extract the entities of the attached text.")).step("haiku", writer.asStep([{ role: "user", content: "A haiku." }]));
expectType<Promise<string>>(fixed.run(undefined).then((result) => result.output));
expectType<Promise<string[]>>(fixed.run(undefined).then((result) => result.outputs.entities.entities));
expectError(writer.asStep(42));

// asStep's ctx knows only the step's own dependencies and the pipeline's input.
pipeline<{ text: string }>("asStepScope")
  .step("a", () => 1)
  .step("b", () => 2)
  .step(
    "c",
    { after: ["a"] },
    writer.asStep((ctx) => {
      expectType<number>(ctx.dep("a"));
      expectError(ctx.dep("b"));
      expectError(ctx.input.missing);
      return ctx.input.text;
    }),
  );

// Tools: execute's arguments come from the parameters schema.
agent({
  model: "gpt-4o-mini",
  tools: {
    weather: tool({
      description: "Weather for a city",
      parameters: z.object({ city: z.string(), days: z.number().int() }),
      execute: async (args) => {
        expectType<{ city: string; days: number }>(args);
        return `${args.city}: sunny for ${args.days} days`;
      },
    }),
  },
});
