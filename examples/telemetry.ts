/**
 * Tracing a run with OpenTelemetry: the document pipeline's spans, with
 * tokens and exact cost on each, sent over OTLP/HTTP. `npx tsx examples/telemetry.ts`.
 *
 * With OTEL_EXPORTER_OTLP_ENDPOINT set (http://localhost:4318 for Jaeger's
 * all-in-one image, Grafana Tempo, or an OpenTelemetry Collector in front of
 * Honeycomb, Langfuse or Datadog), the spans go there. Without it, they go to
 * a small receiver started here on 127.0.0.1, which prints the trace.
 */
import type OpenAI from "openai";
import { otlp } from "../src/telemetry/index.js";
import { documentPipeline } from "./document.js";
import { runIfMain, withModelClient } from "./model-client.js";
import { startSpanPrinter } from "./span-printer.js";

/** Runs the document pipeline with its spans sent to `url` (the OTEL_ variables when undefined). */
export const tracedRun = async (client: OpenAI, url: string | undefined) => {
  const telemetry = otlp({ url, serviceName: "document-reports" });
  try {
    return await documentPipeline.run({ document: "Acme Corp opened a factory in Lyon, said CEO Jane Roe." }, { client, telemetry });
  } finally {
    await telemetry.close(); // sends the spans not yet sent (they are batched every 5 seconds)
  }
};

export const main = (): Promise<void> =>
  withModelClient({}, async (client) => {
    const printer = process.env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? await startSpanPrinter() : undefined;
    try {
      const result = await tracedRun(client, printer?.url);
      console.log(`Run: ${result.usage.calls} model calls, ${result.usage.costNanoUsd} nano-USD.`);
      if (printer === undefined) console.log(`Spans sent to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}.`);
      else printer.print();
    } finally {
      await printer?.close();
    }
  });

runIfMain(import.meta.url, main);
