/**
 * Dispatch hooks: accepted on the agent, the pipeline, `configure`, the run
 * and batches (one set or a list), typed request and outcome, and
 * `CallSkippedError` a StepgraphError that can be subclassed.
 */
import { expectAssignable, expectType } from "tsd";
import {
  agent,
  CallSkippedError,
  pipeline,
  StepgraphError,
  type CallHookContext,
  type CallHooks,
  type CallOutcome,
  type CallRequest,
  type Usage,
} from "../src/index.js";

const audit: CallHooks = {
  beforeCall: (request, ctx) => {
    expectType<CallRequest>(request);
    expectType<CallHookContext>(ctx);
    expectType<AbortSignal>(ctx.signal);
    expectType<string>(request.stepId);
    expectType<string>(request.pipeline);
    expectType<string>(request.runId);
    expectType<number>(request.stepAttempt);
    expectType<number>(request.callAttempt);
    expectType<number>(request.turn);
    expectType<string>(request.model);
    expectType<number>(request.estimatedInputTokens);
    expectType<number | undefined>(request.reservedNanoUsd);
  },
  afterCall: async (outcome) => {
    expectType<CallOutcome>(outcome);
    if (outcome.ok) {
      expectType<Usage>(outcome.usage);
      expectType<string>(outcome.text);
    } else {
      expectType<unknown>(outcome.error);
    }
  },
};

class QuotaExceeded extends CallSkippedError {}
const skip = new QuotaExceeded({ reason: "over quota" });
expectAssignable<CallSkippedError>(skip);
expectAssignable<StepgraphError>(skip);
expectType<"CallSkippedError">(skip._tag);

const writer = agent({ model: "gpt-4o-mini", hooks: audit });
agent({ model: "gpt-4o-mini", hooks: [audit, { beforeCall: () => Promise.resolve() }] });
const p = pipeline("hooked", { hooks: audit })
  .step("write", async (ctx) => (await ctx.run(writer, "hi")).output)
  .configure({ hooks: [audit] });
void p.run(undefined, { hooks: audit });
void p.runMany([undefined], { hooks: [audit] });
void p.toEffect(undefined, { hooks: audit });
