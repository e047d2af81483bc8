// Guarantee 7: declared services are typed and required by run.
import { pipeline } from "../../src/index.js";
import { db, type Db } from "../fixtures.js";

const withDb = pipeline<{ id: string }>("load")
  .withServices<{ db: Db }>()
  .step("row", (ctx) => {
    // @ts-expect-error ctx.services.db is a Db
    const count: number = ctx.services.db;
    return count;
  });

// @ts-expect-error says `Arguments for the rest parameter 'options_with_services_or_layer' were not provided`
withDb.run({ id: "1" });
// @ts-expect-error options without services are not enough
withDb.run({ id: "1" }, { timeout: 1000 });
// @ts-expect-error the services must have the declared shape
withDb.run({ id: "1" }, { services: {} });
// @ts-expect-error toEffect needs them too
withDb.toEffect({ id: "1" });
withDb.run({ id: "1" }, { services: { db } });

pipeline("plain").step("a", (ctx) => {
  // @ts-expect-error no services were declared
  return ctx.services.db;
});
