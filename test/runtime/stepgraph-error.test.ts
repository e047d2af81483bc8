import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import * as stepgraph from "../../src/index.js";
import * as durable from "../../src/durable/index.js";
import { pipeline, StepgraphError, StepExecutionError } from "../../src/index.js";

/** Every exported error class of stepgraph and stepgraph/durable: what a user would catch. */
const errorClasses = [...Object.entries(stepgraph), ...Object.entries(durable)].filter(
  ([name, value]) => typeof value === "function" && name.endsWith("Error") && name !== "StepgraphError",
) as Array<[string, new (args: never) => Error]>;

describe("StepgraphError", () => {
  it("is the class of every error stepgraph exports, and of nothing else", () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual(
      [
        "AgentConfigError",
        "AgentMaxTurnsError",
        "AgentOutputError",
        "AgentRequestError",
        "CallSkippedError",
        "CheckpointMismatchError",
        "CostBudgetExceededError",
        "DurableRunFailedError",
        "DurableRunMismatchError",
        "DurableRunNotFoundError",
        "DurableStoreError",
        "JournalledStepError",
        "NotJournallableError",
        "PipelineCancelledError",
        "PipelineDefinitionError",
        "PipelineInputError",
        "PipelineTimeoutError",
        "RouteError",
        "StepExecutionError",
        "StepTimeoutError",
        "UnknownModelPriceError",
      ].sort(),
    );
    for (const [name, ErrorClass] of errorClasses) {
      const error = new ErrorClass({} as never);
      expect(error instanceof StepgraphError, name).toBe(true);
      expect(error instanceof ErrorClass, name).toBe(true);
    }
    expect(new Error("plain") instanceof StepgraphError).toBe(false);
    expect(new TypeError("plain") instanceof StepgraphError).toBe(false);
    expect((null as unknown) instanceof StepgraphError).toBe(false);
  });

  it("catches a run's failure in one check, and leaves Effect's catchTag as it was", async () => {
    const failing = pipeline("failing").step("a", (): number => {
      throw new Error("no");
    });
    const error = await failing.run(undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StepgraphError);
    expect((error as StepgraphError)._tag).toBe("StepExecutionError");
    const recovered = await Effect.runPromise(Effect.catchTag(failing.toEffect(undefined), "StepExecutionError", (caught) => Effect.succeed(caught)));
    expect(recovered).toBeInstanceOf(StepExecutionError);
  });
});
