/**
 * One worker of W8 (bench/durable/workers.ts): serves a diamond of five
 * steps and prints `step <runId> <stepId> <pid>` as each step starts and
 * `done <runId> <pid>` as each run's last step ends, so the parent can count
 * completions across workers and see which worker ran what.
 * env: STORE_URL, STEP_MS, SUBMIT (runs to submit, as PREFIX-<i>), PREFIX.
 */
import { pipeline } from "../../src/index.js";
import { postgresStore, worker } from "../../src/durable/index.js";

const stepMs = Number(process.env["STEP_MS"] ?? 1);
const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (id: string, last = false) => async (ctx: { runId: string }) => {
  say(`step ${ctx.runId} ${id} ${process.pid}`);
  await new Promise((resolve) => setTimeout(resolve, stepMs));
  if (last) say(`done ${ctx.runId} ${process.pid}`);
  return id;
};
const diamond = pipeline("w8-diamond")
  .step("extract", step("extract"))
  .step("classify", { after: ["extract"] }, step("classify"))
  .step("entities", { after: ["extract"] }, step("entities"))
  .step("generate", { after: ["classify", "entities"] }, step("generate"))
  .step("validate", { after: ["generate"] }, step("validate", true));

const w = await worker({ store: postgresStore({ url: process.env["STORE_URL"]!, maxConnections: 20 }), pipelines: [diamond] });
say("up");
process.once("SIGTERM", () => void w.close().then(() => process.exit(0)));
process.stdin.once("data", async () => {
  const submit = Number(process.env["SUBMIT"] ?? 0);
  const prefix = process.env["PREFIX"]!;
  await Promise.all(Array.from({ length: submit }, (_, index) => w.submit(diamond, undefined, { runId: `${prefix}-${index}` })));
  say("submitted");
});
