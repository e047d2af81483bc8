/**
 * Runs the crash child: once killed with SIGKILL as it starts a given step,
 * once to completion. The node process itself is spawned and killed
 * (`node --import tsx`), not `npx tsx`, whose child would survive.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const child = fileURLToPath(new URL("./fixtures/crash-child.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly started: ReadonlyArray<string>;
  /** The JSON the child printed last, if it finished. */
  readonly result: any;
}

/** Runs the child with `env`; kills it with SIGKILL when it prints `started <killAt>`. */
export const runChild = (env: Record<string, string>, killAt?: string, timeoutMs = 30_000): Promise<ChildRun> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const started: Array<string> = [];
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`crash child timed out after ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`));
    }, timeoutMs);
    proc.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split("\n").slice(0, -1)) {
        const match = /^started (\S+)$/.exec(line);
        if (match !== null && !started.includes(match[1]!)) {
          started.push(match[1]!);
          if (match[1] === killAt) proc.kill("SIGKILL");
        }
      }
    });
    proc.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").at(-1) ?? "";
      let result: unknown;
      try {
        result = last.startsWith("{") ? JSON.parse(last) : undefined;
      } catch {
        result = undefined;
      }
      if (code !== 0 && signal === null) reject(new Error(`crash child exited ${code}: ${out}\n${err}`));
      else resolve({ code, signal, started, result });
    });
  });
