/**
 * Provider prices (issue 14): usage counts cache-write, reasoning and audio
 * tokens and tool calls as plain numbers; a price may name cache-write and
 * audio rates; an agent may name the provider whose prices apply; the local
 * server reports every one of these counts.
 */
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd";
import { agent, pipeline, type ModelPrice, type PriceTable, type RunUsage, type Usage } from "../src/index.js";
import type { MockUsageSpec } from "../src/testing/index.js";

declare const usage: Usage;
expectType<number>(usage.cacheWriteInputTokens);
expectType<number>(usage.reasoningTokens);
expectType<number>(usage.inputAudioTokens);
expectType<number>(usage.outputAudioTokens);
expectType<number>(usage.toolCalls);
declare const run: RunUsage;
expectType<number>(run.byModel["claude-3-5-sonnet-latest"]!.cacheWriteInputTokens);
// Counts are read-only.
expectError((usage.toolCalls = 1));

expectAssignable<ModelPrice>({ input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 });
expectAssignable<ModelPrice>({ input: 0.1, inputAudio: 0.7, output: 0.4, outputAudio: 1.6 });
expectNotAssignable<ModelPrice>({ input: 3, cacheWrite: "3.75", output: 15 });
// A price needs input and output rates.
expectNotAssignable<ModelPrice>({ input: 3 });
expectAssignable<PriceTable>({ "my-fine-tune": { input: 0.3, output: 1.2 } });

const llama = agent({ model: "llama-3.3-70b-versatile", provider: "groq" });
pipeline("priced").step("ask", llama.asStep("Hello"));
expectError(agent({ model: "llama-3.3-70b-versatile", provider: 42 }));

expectAssignable<MockUsageSpec>({ inputTokens: 1000, cacheWriteInputTokens: 900, reasoningTokens: 10, inputAudioTokens: 5, outputAudioTokens: 5, style: "anthropic" });
expectNotAssignable<MockUsageSpec>({ style: "litellm" });
