/**
 * A stand-in for a tracing backend, for the telemetry example: an OTLP/HTTP
 * JSON receiver on 127.0.0.1 that prints each trace it receives as a tree,
 * with the tokens and cost stepgraph puts on the spans.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

interface Span {
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: { readonly stringValue?: string; readonly intValue?: string | number } }>;
}

const attribute = (span: Span, key: string): string | undefined => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue));
};

/** One line per span: name, duration, and what the span says about tokens, cost and outcome. */
const describeSpan = (span: Span): string => {
  const ms = Number((BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1_000_000n);
  const facts = [`${ms} ms`];
  const input = attribute(span, "gen_ai.usage.input_tokens") ?? attribute(span, "stepgraph.usage.input_tokens");
  const output = attribute(span, "gen_ai.usage.output_tokens") ?? attribute(span, "stepgraph.usage.output_tokens");
  if (input !== undefined) facts.push(`${input} in / ${output} out tokens`);
  const cost = attribute(span, "stepgraph.cost.nano_usd");
  if (cost !== undefined) facts.push(`${cost} nano-USD`);
  const outcome = attribute(span, "stepgraph.step.outcome");
  if (outcome !== undefined && outcome !== "success") facts.push(outcome);
  const error = attribute(span, "error.type");
  if (error !== undefined) facts.push(`error ${error}`);
  return `${span.name}  (${facts.join(", ")})`;
};

/** Starts the receiver; `print()` writes every span received so far as trees. */
export const startSpanPrinter = async () => {
  const spans: Span[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const data = JSON.parse(body) as { resourceSpans: ReadonlyArray<{ scopeSpans: ReadonlyArray<{ spans: ReadonlyArray<Span> }> }> };
      for (const resource of data.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const print = (): void => {
    const ids = new Set(spans.map((span) => span.spanId));
    const byStart = [...spans].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    const visit = (span: Span, indent: string): void => {
      console.log(`${indent}${describeSpan(span)}`);
      for (const child of byStart.filter((candidate) => candidate.parentSpanId === span.spanId)) visit(child, `${indent}  `);
    };
    for (const root of byStart.filter((span) => span.parentSpanId === undefined || !ids.has(span.parentSpanId))) visit(root, "");
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    print,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
