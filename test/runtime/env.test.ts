import * as Context from "effect/Context";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { agent, BudgetScope, pipeline, RateLimiter } from "../../src/index.js";
import { envOf, type RunEnv } from "../../src/runtime/env.js";
import type { RunOptions } from "../../src/runtime/options.js";
import type { RunSettings } from "../../src/runtime/definition.js";
import type { Telemetry } from "../../src/runtime/telemetry.js";
import { RunRecord } from "../../src/runtime/record.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

const clientNamed = (name: string) => new OpenAI({ baseURL: "http://127.0.0.1:1/v1", apiKey: name, maxRetries: 0 });
const inheritedClient = clientNamed("inherited");
const settingsClient = clientNamed("settings");
const optionsClient = clientNamed("options");
const inheritedSignal = new AbortController().signal;
const optionsSignal = new AbortController().signal;
const inheritedLimiter = new RateLimiter({ requestsPerMinute: 60 });
const optionsLimiter = new RateLimiter({ requestsPerMinute: 120 });
const inheritedBudget = new BudgetScope({ limitUsd: 3, scope: "batch" });
const givenBudget = new BudgetScope({ limitUsd: 2, scope: "batch" });
const inheritedOnEvent = () => undefined;
const optionsOnEvent = () => undefined;
const telemetryOf = (name: string): Telemetry => ({ startRun: () => { throw new Error(name); } });
const inheritedTelemetry = telemetryOf("inherited");
const settingsTelemetry = telemetryOf("settings");
const optionsTelemetry = telemetryOf("options");

const inheritedEffects: Context.Context<never> = Context.empty();
const inheritedHooks = { beforeCall: () => undefined };
const settingsHooks = { afterCall: () => undefined };
const optionsHooks = [{ beforeCall: () => undefined }, { afterCall: () => undefined }];

/** What a run inherits from a run around it, with every field set. */
const inherited: RunEnv = {
  signal: inheritedSignal,
  services: { from: "inherited" },
  deadline: performance.now() + 60_000,
  budgets: [inheritedBudget],
  limiter: inheritedLimiter,
  client: inheritedClient,
  pricing: { a: { input: 1, output: 1 }, b: { input: 1, output: 1 } },
  hooks: [inheritedHooks],
  onEvent: inheritedOnEvent,
  parent: undefined,
  journal: undefined,
  telemetry: inheritedTelemetry,
  effects: inheritedEffects,
};

type Level = "inherited" | "settings" | "options";

/** One row per field: what `envOf` picks when each level sets it. */
const table: ReadonlyArray<{
  field: string;
  settings: RunSettings;
  options: RunOptions;
  read: (resolved: ReturnType<typeof envOf>) => unknown;
  expected: Partial<Record<`${Level}` | "inherited+settings" | "inherited+options" | "settings+options" | "all" | "none", unknown>>;
}> = [
  {
    field: "client",
    settings: { client: settingsClient },
    options: { client: optionsClient },
    read: (resolved) => resolved.env.client,
    expected: { none: undefined, inherited: inheritedClient, "inherited+settings": settingsClient, "settings+options": optionsClient, all: optionsClient },
  },
  {
    field: "pricing (merged, the most specific price winning)",
    settings: { pricing: { b: { input: 2, output: 2 }, c: { input: 2, output: 2 } } },
    options: { pricing: { c: { input: 3, output: 3 } } },
    read: (resolved) => resolved.env.pricing,
    expected: {
      none: undefined,
      inherited: { a: { input: 1, output: 1 }, b: { input: 1, output: 1 } },
      all: { a: { input: 1, output: 1 }, b: { input: 2, output: 2 }, c: { input: 3, output: 3 } },
      "settings+options": { b: { input: 2, output: 2 }, c: { input: 3, output: 3 } },
    },
  },
  {
    field: "hooks (all apply, outermost first: inherited, options, settings)",
    settings: { hooks: settingsHooks },
    options: { hooks: optionsHooks },
    read: (resolved) => resolved.env.hooks,
    expected: {
      none: [],
      inherited: [inheritedHooks],
      "inherited+settings": [inheritedHooks, settingsHooks],
      "settings+options": [...optionsHooks, settingsHooks],
      all: [inheritedHooks, ...optionsHooks, settingsHooks],
    },
  },
  {
    field: "effects (the Effect services of a batch's runs: only inherited)",
    settings: {},
    options: {},
    read: (resolved) => resolved.env.effects,
    expected: { none: undefined, inherited: inheritedEffects, all: inheritedEffects },
  },
  {
    field: "services",
    settings: {},
    options: { services: { from: "options" } },
    read: (resolved) => resolved.env.services,
    expected: { none: {}, inherited: { from: "inherited" }, all: { from: "options" } },
  },
  {
    field: "signal",
    settings: {},
    options: { signal: optionsSignal },
    read: (resolved) => resolved.env.signal,
    expected: { none: undefined, inherited: inheritedSignal, all: optionsSignal },
  },
  {
    field: "rate limiter (a shared limiter, or a number making one)",
    settings: {},
    options: { rateLimit: optionsLimiter },
    read: (resolved) => resolved.env.limiter,
    expected: { none: undefined, inherited: inheritedLimiter, all: optionsLimiter },
  },
  {
    field: "onEvent",
    settings: {},
    options: { onEvent: optionsOnEvent },
    read: (resolved) => resolved.env.onEvent,
    expected: { none: undefined, inherited: inheritedOnEvent, all: optionsOnEvent },
  },
  {
    field: "budgets (the run's own, then the given ones, then the inherited ones)",
    settings: { costBudget: 5 },
    options: { costBudget: 4, budgets: [givenBudget] },
    read: (resolved) => resolved.env.budgets.map((budget) => (budget === givenBudget ? "given" : budget === inheritedBudget ? "inherited" : `own ${budget.limitUsd}`)),
    expected: {
      none: [],
      inherited: ["inherited"],
      "inherited+settings": ["own 5", "inherited"],
      "settings+options": ["own 4", "given"],
      all: ["own 4", "given", "inherited"],
    },
  },
  {
    field: "telemetry (of a top-level run: the caller's tracer around toEffect is the inherited one)",
    settings: { telemetry: settingsTelemetry },
    options: { telemetry: optionsTelemetry },
    read: (resolved) => resolved.env.telemetry,
    expected: { none: undefined, inherited: inheritedTelemetry, "inherited+settings": settingsTelemetry, all: optionsTelemetry, settings: settingsTelemetry },
  },
  {
    field: "maxConcurrency (not inherited)",
    settings: { maxConcurrency: 2 },
    options: { maxConcurrency: 3 },
    read: (resolved) => resolved.maxConcurrency,
    expected: { none: undefined, inherited: undefined, "inherited+settings": 2, all: 3 },
  },
  {
    field: "failFast (not inherited)",
    settings: { failFast: true },
    options: { failFast: false },
    read: (resolved) => resolved.failFast,
    expected: { none: false, inherited: false, "inherited+settings": true, all: false },
  },
];

const levels = {
  none: [false, false, false],
  inherited: [true, false, false],
  settings: [false, true, false],
  options: [false, false, true],
  "inherited+settings": [true, true, false],
  "inherited+options": [true, false, true],
  "settings+options": [false, true, true],
  all: [true, true, true],
} as const;

describe("a run's environment (envOf, the one place precedence is decided)", () => {
  for (const row of table) {
    it(`resolves ${row.field} from the most specific level that sets it`, () => {
      for (const [combination, expected] of Object.entries(row.expected)) {
        const [withInherited, withSettings, withOptions] = levels[combination as keyof typeof levels];
        const resolved = envOf(withOptions ? row.options : {}, withSettings ? row.settings : {}, withInherited ? inherited : undefined);
        expect(row.read(resolved), `${row.field} with ${combination}`).toEqual(expected);
      }
    });
  }

  it("keeps a nested run in its traced parent's trace, whatever its own telemetry says", () => {
    const nested: RunEnv = { ...inherited, parent: { record: new RunRecord(undefined), stepId: "enrich" } };
    expect(envOf({ telemetry: optionsTelemetry }, { telemetry: settingsTelemetry }, nested).env.telemetry).toBe(inheritedTelemetry);
    // Under a parent that is not traced, the nested run's own telemetry applies.
    expect(envOf({}, { telemetry: settingsTelemetry }, { ...nested, telemetry: undefined }).env.telemetry).toBe(settingsTelemetry);
  });

  it("takes the nearer of the inherited deadline and the run's own timeout, and enforces what is left of it", () => {
    const soon = { ...inherited, deadline: performance.now() + 1_000 };
    const own = envOf({ timeout: "1 minute" }, {}, soon);
    expect(own.env.deadline).toBe(soon.deadline);
    expect(own.timeoutMs).toBeGreaterThan(0);
    expect(own.timeoutMs).toBeLessThanOrEqual(1_000);
    const shorter = envOf({ timeout: 50 }, {}, inherited);
    expect(shorter.env.deadline).toBeLessThan(inherited.deadline!);
    expect(shorter.timeoutMs).toBe(50);
    // Without a timeout of its own, a run keeps the inherited deadline (no retry starts past it) but does not enforce it: the run around it does.
    const inheritedOnly = envOf({}, {}, inherited);
    expect(inheritedOnly.env.deadline).toBe(inherited.deadline);
    expect(inheritedOnly.timeoutMs).toBeUndefined();
  });

  it("makes a limiter from a number, and refuses bad values with a message naming them", () => {
    expect(envOf({ rateLimit: 600 }, {}, undefined).env.limiter?.requestsPerMinute).toBe(600);
    expect(() => envOf({ maxConcurrency: 0 }, {}, undefined)).toThrow("maxConcurrency must be a whole number of at least 1, got 0.");
    expect(() => envOf({ timeout: "soon" as never }, {}, undefined)).toThrow('run timeout: "soon" is not a duration');
    expect(() => envOf({ costBudget: -1 }, {}, undefined)).toThrow("costBudget must be a finite number of USD of at least 0, got -1.");
  });
});

describe("which client a model call uses, end to end", () => {
  const keyOf = (index: number) => String(mock.server.requests[index]?.headers.authorization).replace("Bearer ", "");
  const client = (name: string) => new OpenAI({ baseURL: mock.server.url, apiKey: name, maxRetries: 0 });

  it("takes the agent's own client first, then the run's, then configure's, then the pipeline's, then the parent run's", async () => {
    const plain = agent({ model: "gpt-4o-mini" });
    const own = agent({ model: "gpt-4o-mini", client: client("agent") });
    const sub = (name: string, writer = plain) => pipeline(name).step("write", (ctx) => ctx.run(writer, "hi"));
    await sub("a", own).run(undefined, { client: client("run") });
    await sub("b").configure({ client: client("configure") }).run(undefined, { client: client("run") });
    await pipeline("c", { client: client("pipeline") }).configure({ client: client("configure") }).step("write", (ctx) => ctx.run(plain, "hi")).run();
    await pipeline("d", { client: client("pipeline") }).step("write", (ctx) => ctx.run(plain, "hi")).run();
    await pipeline("e", { client: client("parent") }).step("nested", sub("child").asStep()).run();
    await pipeline("f", { client: client("parent") }).step("nested", pipeline("child", { client: client("child") }).step("write", (ctx) => ctx.run(plain, "hi")).asStep()).run();
    expect([0, 1, 2, 3, 4, 5].map(keyOf)).toEqual(["agent", "run", "configure", "pipeline", "parent", "child"]);
  });

  it("prices a call with the most specific price of its model: agent, run, pipeline, parent run", async () => {
    mock.server.setResponder(() => ({ content: "ok", usage: { inputTokens: 1_000_000, outputTokens: 0 } }));
    const local = agent({ model: "llama-local" });
    const pricedAgent = agent({ model: "llama-local", pricing: { "llama-local": { input: 4, output: 0 } } });
    const cost = async (parentPrice: number | undefined, pipelinePrice: number | undefined, runPrice: number | undefined, writer = local) => {
      const price = (usd: number | undefined) => (usd === undefined ? undefined : { "llama-local": { input: usd, output: 0 } });
      const child = pipeline("child", { client: mock.client, pricing: price(pipelinePrice) }).step("write", (ctx) => ctx.run(writer, "hi"));
      const parent = pipeline("parent", { pricing: price(parentPrice) }).step("nested", child.asStep());
      return (await parent.run(undefined, { pricing: price(runPrice) })).usage.costUsd;
    };
    expect(await cost(1, undefined, undefined)).toBe(1);
    expect(await cost(1, 2, undefined)).toBe(2);
    expect(await cost(1, 2, undefined, pricedAgent)).toBe(4);
    expect(await cost(undefined, undefined, undefined)).toBeNull();
  });
});
