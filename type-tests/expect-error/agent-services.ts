// Tools that read services, and agents on their own: what must not compile. Each marker guards exactly one error.
import { z } from "zod";
import { agent, pipeline, tool, type ToolContext } from "../../src/index.js";

interface Db {
  readonly orders: (user: string) => string[];
}
const orders = tool.withServices<{ db: Db }>()({
  description: "The user's orders",
  parameters: z.object({ user: z.string() }),
  execute: ({ user }, ctx) => ctx.services.db.orders(user),
});
const support = agent({ model: "gpt-4o-mini", tools: { orders } });

// @ts-expect-error says `The agent's tools need services that this pipeline does not declare: add them to its withServices<...>()`
pipeline("none").step("answer", async (ctx) => (await ctx.run(support, "Orders?")).output);

// @ts-expect-error says `"db"`
pipeline("other").withServices<{ log: string[] }>().step("answer", async (ctx) => (await ctx.run(support, "Orders?")).output);

// @ts-expect-error a service of another type is not enough
pipeline("wrongType").withServices<{ db: string }>().step("answer", async (ctx) => (await ctx.run(support, "Orders?")).output);

// @ts-expect-error ctx.stream checks the same
pipeline("stream").step("answer", async (ctx) => (await ctx.stream(support, "Orders?")).output);

// @ts-expect-error asStep in a pipeline without the services
pipeline("asStep").step("answer", support.asStep("Orders?"));

// @ts-expect-error a tool's services are typed: db has no `users`
tool.withServices<{ db: Db }>()({ description: "d", parameters: z.object({}), execute: (_args, ctx) => ctx.services.db.users });

// @ts-expect-error a tool that declares no services sees `{}`
tool({ description: "d", parameters: z.object({}), execute: (_args, ctx) => ctx.services.db });

// @ts-expect-error a tool's step id may be undefined (agent.run outside a pipeline)
tool({ description: "d", parameters: z.object({}), execute: (_args, ctx: ToolContext) => ctx.stepId.length });

// @ts-expect-error says `Expected 2 arguments, but got 1.`
void support.run("Orders?");

// @ts-expect-error services are required when the tools need them
void support.run("Orders?", { retries: 1 });

// @ts-expect-error the services must be of the tools' types
void support.run("Orders?", { services: { db: "not a db" } });

// @ts-expect-error standalone options are checked: costBudget is a number of USD
void agent({ model: "gpt-4o-mini" }).run("Hi", { costBudget: "1 dollar" });

// @ts-expect-error not a pipeline run: there are no step options
void agent({ model: "gpt-4o-mini" }).run("Hi", { steps: {} });

// What compiles, for contrast.
pipeline("ok").withServices<{ db: Db }>().step("answer", async (ctx) => (await ctx.run(support, "Orders?")).output);
void support.run("Orders?", { services: { db: { orders: () => [] } } });
