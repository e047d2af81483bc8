/**
 * Reliability: abandoned calls are reported apart, in usage and on call
 * events, as numbers a caller can add up without narrowing.
 */
import { expectError, expectType } from "tsd";
import { pipeline, type ModelCallEvent, type RunUsage } from "../src/index.js";

const p = pipeline("abandoned").step("a", () => 1);

const result = await p.run();
expectType<RunUsage>(result.usage);
expectType<number>(result.usage.abandonedCalls);
expectType<number>(result.usage.abandonedReservedNanoUsd);
expectType<number>(result.usage.byStep["a"]!.abandonedCalls);

declare const event: ModelCallEvent;
expectType<{ readonly reservedNanoUsd: number } | undefined>(event.abandoned);
// The reserved cost is known even when the call's own cost is not.
expectError<number>(event.costNanoUsd);
