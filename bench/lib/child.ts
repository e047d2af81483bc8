/**
 * Child processes: each measurement runs in a fresh Node process started the
 * same way (node --import tsx), so no engine's module side effects (async
 * context hooks, patched globals, a warm or bloated heap) tax another's.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs `script` (a .ts file) under tsx with `args`; kills it after `timeoutMs`. */
export const runTsChild = (script: string, args: ReadonlyArray<string>, timeoutMs: number, nodeArgs: ReadonlyArray<string> = []): Promise<ChildOutput> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, "--no-warnings", "--import", "tsx", script, ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });

/** The child's last stdout line as JSON, or why there is none. */
export const lastJson = <Value>(output: ChildOutput, timeoutMs: number): { ok: true; value: Value } | { ok: false; reason: string } => {
  const line = output.stdout.trim().split("\n").pop() ?? "";
  try {
    return { ok: true, value: JSON.parse(line) as Value };
  } catch {
    const why = output.timedOut ? `killed after ${timeoutMs / 1000} s` : `exit ${output.code}`;
    return { ok: false, reason: `${why}: ${output.stderr.trim().split("\n").slice(-3).join(" ")}` };
  }
};
