/**
 * `StepgraphError` narrows any caught value to an Error with a `_tag`, and
 * every stepgraph error class is assignable to it.
 */
import { expectAssignable, expectType } from "tsd";
import { CostBudgetExceededError, RouteError, StepExecutionError, StepgraphError } from "../src/index.js";
import { DurableStoreError } from "../src/durable/index.js";

declare const caught: unknown;
if (caught instanceof StepgraphError) {
  expectType<string>(caught._tag);
  expectType<string>(caught.message);
  expectAssignable<Error>(caught);
}
declare const step: StepExecutionError;
declare const budget: CostBudgetExceededError;
declare const route: RouteError;
declare const store: DurableStoreError;
expectAssignable<StepgraphError>(step);
expectAssignable<StepgraphError>(budget);
expectAssignable<StepgraphError>(route);
expectAssignable<StepgraphError>(store);
