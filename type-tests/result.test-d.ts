/**
 * Guarantee 9: `result.output` is the last declared step's output, and
 * `toEffect` returns `Effect<PipelineResult<...>, PipelineError>`.
 */
import { Effect } from "effect";
import { expectError, expectType } from "tsd";
import { pipeline, type PipelineError, type PipelineResult } from "../src/index.js";
import { doc } from "./fixtures.js";

const result = await doc.run({ document: "Apple announced a new chip" });
expectType<string>(result.output);
expectType<"completed">(result.status);
expectType<{ entities: string[] }>(result.outputs.extract);
expectType<"long" | "short">(result.outputs.classify);
expectType<string>(result.outputs.report);
expectError(result.outputs.summary);

type DocOutputs = {
  readonly extract: { entities: string[] };
  readonly classify: "long" | "short";
  readonly report: string;
};
expectType<Effect.Effect<PipelineResult<DocOutputs, string>, PipelineError>>(
  doc.toEffect({ document: "Apple announced a new chip" }),
);

// The last step decides `output`, even when it depends on nothing.
const lastIndependent = doc.step("count", () => 3);
lastIndependent.run({ document: "x" }).then((r) => expectType<number>(r.output));

// Each `step` call returns a new pipeline; the earlier one keeps its own `output`.
doc.run({ document: "x" }).then((r) => expectType<string>(r.output));

// A pipeline without steps has no output.
pipeline("empty").run().then((r) => expectType<void>(r.output));

// The Effect's error channel is PipelineError: no other error is typed in.
const program = doc.toEffect({ document: "x" }).pipe(
  Effect.catchTag("StepExecutionError", (error) => Effect.succeed(error.stepId)),
);
expectError(doc.toEffect({ document: "x" }).pipe(Effect.catchTag("NoSuchError", () => Effect.succeed(1))));
void program;
