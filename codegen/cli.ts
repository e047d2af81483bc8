#!/usr/bin/env node
/**
 * The `stepgraph` executable. Everything but wiring to the process lives in
 * ./command.ts, so tests can run the command in-process.
 */
try {
  await import("ts-morph");
} catch {
  process.stderr.write(
    "stepgraph docs reads your source with ts-morph, which is not installed. Install it next to stepgraph: npm install --save-dev ts-morph\n",
  );
  process.exit(1);
}

const { main } = await import("./command.js");

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
