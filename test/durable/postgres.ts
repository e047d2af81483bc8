/**
 * Where the PostgreSQL tests find their database: STEPGRAPH_TEST_PG_URL,
 * set by `.ci/run` (scripts/pg-start.sh starts one). Without it the tests are
 * skipped, saying why; under CI=true they fail instead.
 */
import { it } from "vitest";

export const pgUrl = process.env["STEPGRAPH_TEST_PG_URL"];

const missing = "STEPGRAPH_TEST_PG_URL is not set: start a database with `export STEPGRAPH_TEST_PG_URL=\"$(bash scripts/pg-start.sh)\"` (needs Debian's postgresql package)";

/** `it` for a test that needs PostgreSQL: skipped without it, failed under CI=true. */
export const itWithPostgres = (name: string, test: (url: string) => Promise<void>, timeout?: number) => {
  if (pgUrl !== undefined) return it(name, () => test(pgUrl), timeout);
  if (process.env["CI"] === "true") {
    return it(name, () => {
      throw new Error(`${missing}; CI must run the PostgreSQL tests.`);
    });
  }
  return it.skip(`${name} (skipped: ${missing})`, () => undefined);
};
