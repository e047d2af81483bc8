// Sub-pipeline steps: ctx comes from the surrounding step, and the input must fit the sub-pipeline.
import { pipeline } from "../../../src/index.js";

const tagger = pipeline<{ text: string }>("tagger").step("tags", (ctx) => ctx.input.text.split(" "));
const lookup = pipeline<{ id: string }>("lookup")
  .withServices<{ db: { name(id: string): string } }>()
  .step("name", (ctx) => ctx.services.db.name(ctx.input.id));

pipeline<{ doc: string }>("parent")
  .step("clean", (ctx) => ctx.input.doc.trim())
  .step("other", () => 1)
  .step(
    "enrich",
    { after: ["clean"] },
    // @ts-expect-error says `"other" is not in this step's after: add "other" to after to read it`
    tagger.asStep((ctx) => ({ text: String(ctx.dep("other")) })),
  );

pipeline<{ doc: string }>("wrongInput").step(
  "enrich",
  // @ts-expect-error says `Type 'number' is not assignable to type 'string'`
  tagger.asStep((ctx) => ({ text: ctx.input.doc.length })),
);

// @ts-expect-error a sub-pipeline needs an input builder when it takes input
pipeline("missingInput").step("enrich", tagger.asStep());

// @ts-expect-error the parent must provide the services the sub-pipeline needs
pipeline<{ id: string }>("noServices").step("user", lookup.asStep(() => ({ id: "7" })));

pipeline<{ go: boolean }>("skippable")
  .step("maybe", { when: (ctx) => ctx.input.go }, () => "text")
  // @ts-expect-error a skippable step is read with depOrUndefined
  .step("enrich", { after: ["maybe"] }, tagger.asStep((ctx) => ({ text: ctx.dep("maybe") })));
