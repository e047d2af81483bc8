/**
 * Every event of a run is in its trace and has reached `onEvent` before the
 * run settles; none arrives after, also of a request still in flight when a
 * timeout or a cancellation ends the run.
 */
import { describe, expect, it } from "vitest";
import { PipelineCancelledError, PipelineTimeoutError, agent, pipeline, type PipelineEvent } from "../../src/index.js";
import { useMockOpenAI } from "../agents/helpers.js";

const mock = useMockOpenAI();

/** Runs `start`, and returns the events `onEvent` saw by the time it settled, the error, and the events seen 150 ms later. */
const eventsAround = async (start: (onEvent: (event: PipelineEvent) => void) => Promise<unknown>) => {
  const seen: PipelineEvent[] = [];
  const error = await start((event) => seen.push(event)).then(
    () => expect.unreachable("the run should reject"),
    (caught: unknown) => caught as { partial: { trace: PipelineEvent[] } },
  );
  const atSettle = [...seen];
  await mock.server.idle();
  await new Promise((resolve) => setTimeout(resolve, 150));
  return { atSettle, later: seen, error };
};

describe("events of a run that ends around a request in flight", () => {
  const writer = agent({ model: "gpt-4o-mini" });
  const hanging = () => pipeline("late", { client: mock.client }).step("write", (ctx) => ctx.run(writer, "hi"));

  it("on a run timeout, the abandoned request's call event is in the trace and reached onEvent before the run settled", async () => {
    mock.server.failNext(1, { type: "hang" });
    const { atSettle, later, error } = await eventsAround((onEvent) => hanging().run(undefined, { timeout: 60, onEvent }));
    expect(error).toBeInstanceOf(PipelineTimeoutError);
    expect(later).toEqual(atSettle);
    expect(error.partial.trace).toEqual(atSettle);
    const call = atSettle.find((event) => event.type === "call");
    expect(call).toMatchObject({ type: "call", stepId: "write", abandoned: { reservedNanoUsd: 0 } });
  });

  it("on cancellation by the caller's signal, likewise", async () => {
    mock.server.failNext(1, { type: "hang" });
    const controller = new AbortController();
    const { atSettle, later, error } = await eventsAround((onEvent) => {
      const run = hanging().run(undefined, { signal: controller.signal, onEvent });
      void mock.server.waitForRequests(1).then(() => controller.abort(new Error("user left")));
      return run;
    });
    expect(error).toBeInstanceOf(PipelineCancelledError);
    expect(later).toEqual(atSettle);
    expect(error.partial.trace).toEqual(atSettle);
    expect(atSettle.filter((event) => event.type === "call")).toHaveLength(1);
  });

  it("on failFast, the other step's aborted request is reported before the run settles", async () => {
    mock.server.failNext(1, { type: "hang" });
    const p = pipeline("fast", { client: mock.client, failFast: true })
      .step("write", (ctx) => ctx.run(writer, "hi"))
      .step("broken", async () => {
        await mock.server.waitForRequests(1);
        throw new Error("broken");
      });
    const { atSettle, later, error } = await eventsAround((onEvent) => p.run(undefined, { onEvent }));
    expect(later).toEqual(atSettle);
    expect(error.partial.trace).toEqual(atSettle);
    expect(atSettle.filter((event) => event.type === "call")).toHaveLength(1);
  });

  it("on failFast, a sub-pipeline's abandoned request is reported before the parent settles", async () => {
    mock.server.failNext(1, { type: "hang" });
    const parent = pipeline("parent", { client: mock.client, failFast: true })
      .step("enrich", hanging().asStep(() => undefined))
      .step("broken", async () => {
        await mock.server.waitForRequests(1);
        throw new Error("broken");
      });
    const { atSettle, later, error } = await eventsAround((onEvent) => parent.run(undefined, { onEvent }));
    expect(later).toEqual(atSettle);
    expect(error.partial.trace).toEqual(atSettle);
    expect(atSettle.find((event) => event.type === "call")).toMatchObject({ stepId: "enrich/write", abandoned: { reservedNanoUsd: 0 } });
  });
});
