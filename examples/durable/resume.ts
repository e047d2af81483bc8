/**
 * A durable run that dies midway and picks up where it stopped:
 * `npx tsx examples/durable/resume.ts`.
 *
 * The pipeline asks the local OpenAI-compatible server for four drafts in a
 * row, journalled in an embedded SQLite file. The first process kills itself
 * with SIGKILL inside the third step (as an out-of-memory kill or a deploy
 * would); the second process makes the same `run` call and prints which
 * steps came from the journal, which ran again, and how many requests the
 * server saw for each step.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { agent, pipeline } from "../../src/index.js";
import { sqliteStore } from "../../src/durable/index.js";
import { startMockOpenAI } from "../../src/testing/index.js";

const writer = agent({ model: "gpt-4o-mini" });

/** Four drafts in a row; `dieIn` names the step in which the process kills itself. */
export const drafts = (client: OpenAI, dieIn?: string) =>
  pipeline<{ topic: string }>("drafts", { client })
    .step("outline", async (ctx) => (await ctx.run(writer, `outline: ${ctx.input.topic}`)).output)
    .step("draft", { after: ["outline"] }, async (ctx) => (await ctx.run(writer, `draft: ${ctx.dep("outline")}`)).output)
    .step("edit", { after: ["draft"] }, async (ctx) => {
      if (dieIn === "edit") process.kill(process.pid, "SIGKILL");
      return (await ctx.run(writer, `edit: ${ctx.dep("draft")}`)).output;
    })
    .step("title", { after: ["edit"] }, async (ctx) => (await ctx.run(writer, `title: ${ctx.dep("edit")}`)).output);

/** One process's run: the same call, whether it starts the run or resumes it. */
const runOnce = async (file: string, serverUrl: string, dieIn?: string) => {
  const client = new OpenAI({ baseURL: serverUrl, apiKey: "local", maxRetries: 0 });
  const store = sqliteStore({ file });
  try {
    return await drafts(client, dieIn).run({ topic: "durable runs" }, { durable: { store, runId: "drafts-1" } });
  } finally {
    await store.close();
  }
};

export const main = async (): Promise<string> => {
  const server = await startMockOpenAI();
  const file = join(mkdtempSync(join(tmpdir(), "stepgraph-example-")), "runs.db");
  const lines: Array<string> = [];
  try {
    // The first process: node itself (not npx, whose child would outlive a kill), loading TypeScript through tsx.
    const first = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--die-in-edit", file, server.url], { stdio: "inherit" });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => first.on("exit", (_code, killed) => resolve(killed)));
    lines.push(`first process: killed by ${signal} in step "edit"`);
    const result = await runOnce(file, server.url);
    lines.push(`second process: ${result.status}, title ${JSON.stringify(result.output)}`);
    lines.push(`  taken from the journal: ${result.durable?.replayed.join(", ")}`);
    lines.push(`  ran again (possibly twice): ${result.durable?.possiblyDuplicated.join(", ") || "none"}`);
    const requests = new Map<string, number>();
    for (const request of server.requests) {
      const prompt = (request.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
      const step = prompt.slice(0, prompt.indexOf(":"));
      requests.set(step, (requests.get(step) ?? 0) + 1);
    }
    lines.push(`  requests the server saw: ${[...requests].map(([step, count]) => `${step} ${count}`).join(", ")}`);
    lines.push(`  usage across both processes: ${result.usage.calls} calls, ${result.usage.costNanoUsd} nano-USD`);
  } finally {
    await server.close();
  }
  return lines.join("\n");
};

if (process.argv[2] === "--die-in-edit") {
  await runOnce(process.argv[3]!, process.argv[4]!, "edit");
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await main());
}
