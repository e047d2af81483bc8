// Guarantee 4: a step id can be declared once; the error says so in a sentence.
import { doc } from "../fixtures.js";

// @ts-expect-error says `Step "extract" is already defined in this pipeline`
doc.step("extract", () => 1);
// @ts-expect-error says `Step "classify" is already defined in this pipeline`
doc.step("classify", { after: ["extract"] }, () => 1);

doc.step("extract2", () => 1);
