// Guarantee 2: `after` names only earlier steps. TypeScript's "Did you mean" suggestion survives.
import { pipeline } from "../../src/index.js";
import { doc } from "../fixtures.js";

// @ts-expect-error says `Did you mean '"extract"'?`
doc.step("misspelt", { after: ["extrac"] }, () => 1);
// @ts-expect-error an id that is no step
doc.step("unknown", { after: ["summarise"] }, () => 1);
// @ts-expect-error one bad id among good ones
doc.step("oneOfSeveral", { after: ["extract", "clasify"] }, () => 1);
// @ts-expect-error a step cannot wait for itself
doc.step("itself", { after: ["itself"] }, () => 1);

const first = pipeline("order").step("a", () => 1);
// @ts-expect-error a step declared later is unknown, so no cycle can be written
first.step("b", { after: ["c"] }, () => 1);

// What compiles, for contrast.
doc.step("known", { after: ["extract", "classify"] }, () => 1);
