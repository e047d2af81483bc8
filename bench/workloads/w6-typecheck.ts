/**
 * W6: type-check cost, produced by bench/typecheck (another part of the
 * suite). Run as a child process and included verbatim; noted if absent.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WorkloadReport } from "../lib/report-types.js";

const SCRIPT = fileURLToPath(new URL("../typecheck/run.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));

export const runW6 = async (options: { readonly timeoutMs: number; readonly skip: boolean }): Promise<WorkloadReport> => {
  const started = performance.now();
  const base = { id: "W6", title: "Type-check cost of long pipelines (bench/typecheck)", tables: [], targets: [] };
  if (options.skip) {
    return { ...base, method: "skipped (--skip-typecheck)", notes: ["Skipped on request; run `npx tsx bench/typecheck/run.ts`."], data: { skipped: true }, seconds: 0 };
  }
  if (!existsSync(SCRIPT)) {
    return { ...base, method: "not available", notes: ["bench/typecheck/run.ts does not exist yet, so type-check cost is not measured here."], data: { missing: true }, seconds: 0 };
  }
  const { code, stdout, stderr, timedOut } = await new Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>((resolve) => {
    const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", SCRIPT], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let killed = false;
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("close", (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, stdout: out, stderr: err, timedOut: killed });
    });
  });
  const status = timedOut
    ? `killed after ${options.timeoutMs / 1000} s`
    : code === 0
      ? "exit 0 (every measured target met)"
      : `exit ${code} (a target was missed or a program had type errors; see its output)`;
  return {
    ...base,
    method: "`tsx bench/typecheck/run.ts` (defaults), run as a child process after the runtime workloads; its table is copied below as printed. Instantiation and type counts are deterministic; times are not.",
    notes: [`bench/typecheck/run.ts: ${status}.`, ...(stdout.trim() === "" ? [`No output. stderr tail: ${stderr.trim().split("\n").slice(-5).join(" / ")}`] : [])],
    data: { exitCode: code, timedOut, stdout },
    seconds: (performance.now() - started) / 1000,
    verbatim: stdout.trim(),
  };
};
