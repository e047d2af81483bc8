/**
 * Guarantee 4: declaring a step id twice is a type error.
 * check-expect-errors.mjs checks that its message reads
 * `Step "extract" is already defined in this pipeline`.
 */
import { expectError, expectType } from "tsd";
import type { DuplicateStepId } from "../src/index.js";
import { doc } from "./fixtures.js";

expectError(doc.step("extract", () => 1));
expectError(doc.step("classify", { after: ["extract"] }, () => 1));
expectError(doc.step("report", { after: [] }, () => 1));

// A new id is fine, also one that only starts like an existing one.
doc.step("extract2", () => 1);
doc.step("extractAgain", { after: ["extract"] }, () => 1);

expectType<'Step "extract" is already defined in this pipeline'>({} as DuplicateStepId<"extract">);
