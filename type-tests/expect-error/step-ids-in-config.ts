// Guarantee 6: per-step config names only the pipeline's steps.
import { doc } from "../fixtures.js";

// @ts-expect-error says `'clasify' does not exist`
doc.configure({ steps: { clasify: { timeout: "5 seconds" } } });
// @ts-expect-error says `'misspelt' does not exist`
doc.run({ document: "Apple" }, { steps: { misspelt: {} } });
// @ts-expect-error also in toEffect
doc.toEffect({ document: "Apple" }, { steps: { misspelt: {} } });

doc.configure({ steps: { classify: { timeout: "5 seconds" } } });
doc.run({ document: "Apple" }, { steps: { classify: {} } });
