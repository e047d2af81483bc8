/**
 * How the examples reach a model. With OPENAI_API_KEY set, the OpenAI API;
 * without it, the local OpenAI-compatible server from `stepgraph/testing`
 * on 127.0.0.1, answering with the example's canned routes. Both go through
 * the real `openai` SDK, with its own retries off (the pipeline retries).
 */
import { pathToFileURL } from "node:url";
import OpenAI from "openai";
import { startMockOpenAI, type MockOpenAIOptions } from "../src/testing/index.js";

/** Whether the examples run against the OpenAI API. */
export const isLive = (): boolean => process.env.OPENAI_API_KEY !== undefined && process.env.OPENAI_API_KEY !== "";

/**
 * Calls `use` with a client for the OpenAI API or, offline, for a local
 * server started with `offline` (and closed afterwards), saying which.
 */
export const withModelClient = async (offline: MockOpenAIOptions, use: (client: OpenAI) => Promise<void>): Promise<void> => {
  if (isLive()) {
    console.log("Running against the OpenAI API.");
    return use(new OpenAI({ maxRetries: 0 }));
  }
  const server = await startMockOpenAI(offline);
  try {
    console.log(`Running against the local OpenAI-compatible server at ${server.url}.`);
    await use(new OpenAI({ baseURL: server.url, apiKey: "local", maxRetries: 0 }));
  } finally {
    await server.close();
  }
};

/** Runs an example's `main` when its file is the script node was started with (`npx tsx examples/….ts`). */
export const runIfMain = (moduleUrl: string, main: () => Promise<void>): void => {
  const script = process.argv[1];
  if (script === undefined || moduleUrl !== pathToFileURL(script).href) return;
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
};
