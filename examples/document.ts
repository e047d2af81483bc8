/**
 * The document pipeline: extract entities, classify the document, look up
 * background on the entities and the market in parallel, then write a report.
 */
import { z } from "zod";
import { agent, pipeline } from "../src/index.js";

export const extractor = agent({
  model: "openai:gpt-4o-mini",
  system: "Extract the named entities (people, companies, places, products) from the text.",
  output: z.object({ entities: z.array(z.string()) }),
  maxTokens: 300,
});

export const classifier = agent({
  model: "gpt-4o-mini",
  system: "Classify the document.",
  output: z.object({ category: z.enum(["news", "invoice", "support", "other"]) }),
  maxTokens: 50,
});

export const researcher = agent({
  model: "gpt-4o-mini",
  system: "Give one line of background on each entity.",
  maxTokens: 300,
});

export const writer = agent({
  model: "gpt-4o-mini",
  system: "Write a three-sentence report from the notes.",
  maxTokens: 400,
});

/** A stand-in for a database lookup, to show plain steps beside agent steps. */
const marketData = async (entities: ReadonlyArray<string>, signal: AbortSignal) => {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, 120);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
  return entities.map((entity) => ({ entity, mentionsThisWeek: entity.length * 7 }));
};

export const documentPipeline = pipeline("document_report", {
  input: z.object({ document: z.string().min(1) }),
  costBudget: 0.05,
})
  .step("extract", { timeout: "20 seconds", retries: 2 }, extractor.asStep((ctx) => `Extract: ${ctx.input.document}`))
  .step("classify", { after: ["extract"], retries: 2 }, classifier.asStep((ctx) => `Classify: ${ctx.input.document}`))
  .step(
    "lookupEntities",
    { after: ["extract", "classify"], timeout: "20 seconds" },
    researcher.asStep((ctx) => `Background on: ${ctx.dep("extract").entities.join(", ")}`),
  )
  .step("lookupMarket", { after: ["extract", "classify"] }, (ctx) => marketData(ctx.dep("extract").entities, ctx.signal))
  .step(
    "report",
    { after: ["classify", "lookupEntities", "lookupMarket"] },
    writer.asStep(
      (ctx) =>
        `Category: ${ctx.dep("classify").category}\nBackground: ${ctx.dep("lookupEntities")}\nMarket: ${JSON.stringify(ctx.dep("lookupMarket"))}`,
    ),
  );
