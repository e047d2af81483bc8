/**
 * Runs tsd on type-tests/*.test-d.ts with the compiler options of
 * type-tests/tsconfig.json (module NodeNext, which `effect` needs).
 *
 * tsd's exported function forces `skipLibCheck: false`, which type-checks
 * every .d.ts of effect, zod and openai and makes a run about 2.5 times
 * slower, for errors tsd then drops anyway (it ignores diagnostics under
 * node_modules). So this calls the two steps that function runs, tsd's
 * config loader and `getDiagnostics`, with `skipLibCheck: true`, and falls
 * back to the exported function if tsd's layout changes.
 *
 * Usage: node type-tests/tsd.mjs [file.test-d.ts ...]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsd = require("tsd");

/** The library entry, for tsd's rules; the tests import it themselves. */
const typingsFile = "../src/index.ts";

const testFiles =
  process.argv.length > 2 ? process.argv.slice(2) : readdirSync(here).filter((file) => file.endsWith(".test-d.ts")).sort();

const diagnose = async () => {
  const lib = join(dirname(require.resolve("tsd")), "lib");
  if (!existsSync(join(lib, "compiler.js")) || !existsSync(join(lib, "config.js"))) {
    return tsd.default({ cwd: here, typingsFile, testFiles });
  }
  const { getDiagnostics } = require(join(lib, "compiler.js"));
  const loadConfig = require(join(lib, "config.js")).default;
  const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
  const config = loadConfig(pkg, here);
  config.compilerOptions.skipLibCheck = true;
  return getDiagnostics({ cwd: here, pkg, typingsFile, config, testFiles: testFiles.map((file) => join(here, file)) });
};

/** Counts the assertions, so the summary says how much was checked. */
const assertions = testFiles
  .map((file) => readFileSync(join(here, file), "utf8").match(/\bexpect(Type|NotType|Assignable|NotAssignable|Error)\s*[<(]/g)?.length ?? 0)
  .reduce((sum, count) => sum + count, 0);

const diagnostics = await diagnose();
const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error");
if (diagnostics.length > 0) console.error(tsd.formatter(diagnostics));
if (errors.length > 0) {
  console.error(`tsd: ${errors.length} failure(s) in ${testFiles.length} files (${assertions} assertions).`);
  process.exitCode = 1;
} else {
  console.log(`tsd: ${assertions} assertions in ${testFiles.length} files hold.`);
}
