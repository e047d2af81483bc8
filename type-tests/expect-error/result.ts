// Guarantee 9: output is the last step's; toEffect's error channel is PipelineError.
import { Effect } from "effect";
import { doc } from "../fixtures.js";

export const read = async () => {
  const result = await doc.run({ document: "Apple" });
  // @ts-expect-error output is the last step's string
  const output: number = result.output;
  // @ts-expect-error outputs has only the declared steps
  const missing = result.outputs.summary;
  return [output, missing];
};

// @ts-expect-error the error channel is PipelineError, which has no such tag
doc.toEffect({ document: "Apple" }).pipe(Effect.catchTag("NoSuchError", () => Effect.succeed(1)));
