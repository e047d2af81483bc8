/**
 * Guarantee 7: `.withServices<{ db: Db }>()` types `ctx.services` and makes
 * `run` (and `toEffect`) require `{ services }`.
 */
import { expectAssignable, expectError, expectNotAssignable, expectType } from "tsd";
import { pipeline } from "../src/index.js";
import { db, type Db } from "./fixtures.js";

const withDb = pipeline<{ id: string }>("load")
  .withServices<{ db: Db }>()
  .step("row", (ctx) => {
    expectType<Db>(ctx.services.db);
    return ctx.services.db.find(ctx.input.id);
  })
  .step("shout", { after: ["row"] }, (ctx) => {
    expectType<{ db: Db }>(ctx.services);
    return ctx.dep("row").toUpperCase();
  });

withDb.run({ id: "1" }, { services: { db } });
type Options = Parameters<typeof withDb.run>[1];
expectAssignable<Options>({ services: { db } });
expectNotAssignable<Options>({});
expectNotAssignable<Options>(undefined);
withDb.run({ id: "1" }, { services: { db }, timeout: "1 minute" });
withDb.toEffect({ id: "1" }, { services: { db } });

expectError(withDb.run({ id: "1" }));
expectError(withDb.run({ id: "1" }, {}));
expectError(withDb.run({ id: "1" }, { timeout: 1000 }));
expectError(withDb.run({ id: "1" }, { services: {} }));
expectError(withDb.run({ id: "1" }, { services: { db: { find: (id: number) => id } } }));
expectError(withDb.toEffect({ id: "1" }));

// Without withServices there are none to read, and none to pass.
pipeline("plain").step("a", (ctx) => {
  expectType<{}>(ctx.services);
  expectError(ctx.services.db);
  return 1;
}).run();
