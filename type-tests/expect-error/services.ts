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

// @ts-expect-error says `run needs { services: { db } }: call run(input, { services })`
withDb.run({ id: "1" });
// @ts-expect-error options without services are not enough
withDb.run({ id: "1" }, { timeout: 1000 });
// @ts-expect-error the services must have the declared shape
withDb.run({ id: "1" }, { services: {} });
// @ts-expect-error says `toEffect needs { services: { db } }: call toEffect(input, { services })`
withDb.toEffect({ id: "1" });
// @ts-expect-error says `runMany needs { services: { db } }: call runMany(inputs, { services })`
void withDb.runMany([{ id: "1" }]);
// @ts-expect-error says `runEach needs { services: { db } }: call runEach(inputs, { services })`
void withDb.runEach([{ id: "1" }]);
const withTwo = pipeline<{ id: string }>("two").withServices<{ db: Db; user: string }>().step("a", (ctx) => ctx.services.user);
// @ts-expect-error names both services: `services: { `
withTwo.run({ id: "1" });
// An input typed `any` matches the message overload; the result's first use then says what is missing.
declare const parsed: any;
export const untyped = async () => {
  const result = await withDb.run(parsed);
  // @ts-expect-error says `Property 'outputs' does not exist on type '"run needs { services: { db } }: call run(input, { services })"'`
  return result.outputs;
};
withDb.run({ id: "1" }, { services: { db } });

pipeline("plain").step("a", (ctx) => {
  // @ts-expect-error no services were declared
  return ctx.services.db;
});
