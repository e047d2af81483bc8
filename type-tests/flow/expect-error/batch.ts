/**
 * Batches and rate limits: what must not compile. Each marker guards exactly
 * one error (type-tests/check-expect-errors.mjs checks that).
 */
import { pipeline, RateLimiter, type Checkpoint } from "../../../src/index.js";

declare const checkpoint: Checkpoint;

const p = pipeline<{ text: string }>("batch").step("upper", (ctx) => ctx.input.text.toUpperCase());

// @ts-expect-error a batch's inputs must be the pipeline's input type
void p.runMany([{ body: "a" }]);

// @ts-expect-error an async iterable of the wrong inputs is rejected too
void p.stream((async function* () { yield 1; })());

// @ts-expect-error runEach takes the pipeline's input type, like runMany
void p.runEach([{ body: "a" }]);

// @ts-expect-error keep is "result" or "output"
void p.runMany([{ text: "a" }], { keep: "trace" });

// @ts-expect-error a rate limit is requests per minute or a RateLimiter; says `is not assignable to type 'number | RateLimiter | undefined'`
void p.run({ text: "a" }, { rateLimit: "fast" });

// @ts-expect-error a RateLimiter needs requestsPerMinute
void new RateLimiter({ perMinute: 60 });

// @ts-expect-error a batch has no resume: each input is a fresh run; says `'resume' does not exist`
void p.runMany([{ text: "a" }], { resume: checkpoint });
