#!/usr/bin/env node
/**
 * The `stepgraph` executable. Everything but wiring to the process lives in
 * ./command.ts, so tests can run the command in-process. ts-morph is checked
 * for there, after the arguments are parsed: `--help` and usage errors need
 * nothing but Node.
 */
import { main } from "./command.js";

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
