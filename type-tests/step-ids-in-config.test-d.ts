/**
 * Guarantee 6: per-step config, in `configure({ steps })` and in
 * `run(input, { steps })`, accepts only ids of the pipeline's steps.
 */
import { expectError } from "tsd";
import { doc } from "./fixtures.js";

doc.configure({ steps: { classify: { timeout: "5 seconds" } } });
doc.configure({ steps: { extract: { retries: 2 }, report: { retryDelay: 100 } }, defaults: { retries: 1 } });
doc.run({ document: "Apple" }, { steps: { classify: { timeout: 1000 } } });
doc.toEffect({ document: "Apple" }, { steps: { report: {} } });

expectError(doc.configure({ steps: { clasify: { timeout: "5 seconds" } } }));
expectError(doc.configure({ steps: { classify: {}, summary: {} } }));
expectError(doc.run({ document: "Apple" }, { steps: { misspelt: {} } }));
expectError(doc.toEffect({ document: "Apple" }, { steps: { misspelt: {} } }));

// The config itself is checked too.
expectError(doc.configure({ steps: { classify: { timeout: "5 parsecs" } } }));
