import { describe, expect, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod/v3";
import { AgentConfigError, agent, tool } from "../../src/index.js";

/** What a zod 3 schema looks like at run time: `_def`, `parse`, `~standard` with vendor "zod", and no `_zod`. */
const zod3Like = () => ({
  _def: { typeName: "ZodObject", shape: () => ({ entities: { _def: { typeName: "ZodArray" } } }) },
  parse: (value: unknown) => value,
  safeParse: (value: unknown) => ({ success: true, data: value }),
  "~standard": { vendor: "zod", version: 1, validate: (value: unknown) => ({ value }) },
});

const configError = (define: () => unknown): AgentConfigError => {
  try {
    define();
  } catch (error) {
    expect(error).toBeInstanceOf(AgentConfigError);
    return error as AgentConfigError;
  }
  return expect.unreachable("agent() should throw AgentConfigError");
};

describe("agent() requires zod 4 schemas", () => {
  it("rejects a zod 3 output schema at agent(), saying zod 4 is needed and how to get it", () => {
    const error = configError(() => agent({ model: "gpt-4o-mini", output: zod3Like() as never }));
    expect(error.message).toContain('Agent "gpt-4o-mini": output must be a zod 4 schema, but it is a zod 3 schema.');
    expect(error.message).toContain("npm install zod@^4");
    expect(error.message).toContain('import { z } from "zod"');
    expect(error.message).not.toContain("JSON Schema");
    expect(error.retryable).toBe(false);
  });

  it("rejects a schema from zod 4's zod/v3 compatibility export", () => {
    const error = configError(() => agent({ model: "gpt-4o-mini", output: z3.object({ a: z3.string() }) as never }));
    expect(error.message).toContain("output must be a zod 4 schema, but it is a zod 3 schema");
  });

  it("rejects a zod 3 tool parameters schema, naming the tool", () => {
    const weather = tool({ description: "Weather", parameters: zod3Like() as never, execute: () => "sunny" });
    const error = configError(() => agent({ model: "gpt-4o-mini", tools: { weather } }));
    expect(error.message).toContain('Agent "gpt-4o-mini": the parameters of tool "weather" must be a zod 4 schema, but it is a zod 3 schema.');
  });

  it("rejects what is not a schema at all", () => {
    expect(configError(() => agent({ model: "gpt-4o-mini", output: { type: "object" } as never })).message).toContain(
      "output must be a zod 4 schema, but it is an object that is not a zod schema",
    );
    expect(configError(() => agent({ model: "gpt-4o-mini", output: "json" as never })).message).toContain(
      "output must be a zod 4 schema, but it is a string",
    );
  });

  it("accepts zod 4 schemas, from zod and zod/mini alike, and agents without any", async () => {
    const { z: zm } = await import("zod/mini");
    expect(() => agent({ model: "gpt-4o-mini", output: z.object({ entities: z.array(z.string()) }) })).not.toThrow();
    expect(() => agent({ model: "gpt-4o-mini", output: zm.object({ a: zm.string() }) as never })).not.toThrow();
    const weather = tool({ description: "Weather", parameters: z.object({ city: z.string() }), execute: ({ city }) => city });
    expect(() => agent({ model: "gpt-4o-mini", tools: { weather } })).not.toThrow();
    expect(() => agent({ model: "gpt-4o-mini" })).not.toThrow();
  });
});
