/**
 * The peers (Mastra, LangGraph.js) are devDependencies of bench/ alone, in
 * bench/node_modules, which a fresh clone does not have. Installing them from
 * bench/package-lock.json before anything loads keeps `npm run bench` one
 * command.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BENCH = fileURLToPath(new URL("..", import.meta.url));

/** bench/package.json's dependencies that bench/node_modules lacks. */
export const missingPeerPackages = (): string[] => {
  const manifest = JSON.parse(readFileSync(join(BENCH, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {}).filter((name) => !existsSync(join(BENCH, "node_modules", name, "package.json")));
};

/** Runs `npm ci --prefix bench` if a peer package is missing; exits the process if that fails. */
export const ensurePeersInstalled = (log: (message: string) => void): void => {
  const missing = missingPeerPackages();
  if (missing.length === 0) return;
  log(`bench/node_modules lacks ${missing.join(", ")}; running \`npm ci --prefix bench\` to install the peer engines from bench/package-lock.json (once; about a minute)…`);
  // Under `npm run`, npm_execpath is npm's own CLI script: run it with this Node rather than whatever `npm` is on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli !== undefined && npmCli.endsWith(".js") ? [process.execPath, [npmCli]] : [process.platform === "win32" ? "npm.cmd" : "npm", []];
  const result = spawnSync(command, [...args, "ci", "--prefix", BENCH, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: ["ignore", process.stderr, process.stderr], shell: process.platform === "win32" });
  const still = missingPeerPackages();
  if (result.status !== 0 || still.length > 0) {
    log(`\`npm ci --prefix bench\` failed (${result.error?.message ?? `exit ${result.status}`}); ${still.join(", ")} still missing. Install them yourself (npm ci --prefix bench) and run again.`);
    process.exit(1);
  }
  log("bench/node_modules installed.");
};
