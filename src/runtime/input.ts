/**
 * Checking a run's input against its schema: the one place it is done, for
 * pipelines and routers, on the Effect path and the Promise path alike.
 */
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import { PipelineInputError } from "./errors.js";

type Checked = Exit.Exit<unknown, PipelineInputError>;

const checked = (name: string, outcome: StandardSchemaV1.Result<unknown>): Checked =>
  outcome.issues === undefined ? Exit.succeed(outcome.value) : Exit.fail(new PipelineInputError({ pipeline: name, issues: outcome.issues }));

/**
 * The parsed input, or the schema's issues as a {@link PipelineInputError}:
 * at once for a synchronous schema, as a Promise for an asynchronous one.
 * Without a schema the input is used as given.
 */
export const checkInput = (name: string, schema: StandardSchemaV1 | undefined, input: unknown): Checked | Promise<Checked> => {
  if (schema === undefined) return Exit.succeed(input);
  const outcome = schema["~standard"].validate(input);
  return outcome instanceof Promise ? outcome.then((result) => checked(name, result)) : checked(name, outcome);
};

/** {@link checkInput} as an Effect. */
export const validateInput = (name: string, schema: StandardSchemaV1 | undefined, input: unknown): Effect.Effect<unknown, PipelineInputError> =>
  Effect.suspend(() => {
    const result = checkInput(name, schema, input);
    return result instanceof Promise ? Effect.flatten(Effect.promise(() => result)) : result;
  });
