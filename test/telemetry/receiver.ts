/**
 * An OTLP/HTTP JSON receiver on 127.0.0.1, in the test process: what a
 * collector would receive, parsed into spans with plain attribute values.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type AttributeValue = string | number | boolean | ReadonlyArray<AttributeValue>;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message?: string };
  readonly serviceName: string | undefined;
}

/** One data point of a received metric (histogram or sum), with plain attributes. */
export interface ReceivedPoint {
  /** Which export request brought it (metrics are cumulative: the last request has the totals). */
  readonly request: number;
  readonly metric: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** A histogram's count and sum, or a sum's value. */
  readonly count: number | undefined;
  readonly sum: number | undefined;
  readonly value: number | undefined;
}

export interface Receiver {
  readonly points: ReceivedPoint[];
  /** The base endpoint, as `otlp({ url })` takes it. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Every request body as received, to search for what must not be there. */
  readonly bodies: string[];
  readonly headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
  readonly arrayValue?: { readonly values: ReadonlyArray<OtlpValue> };
}

const valueOf = (value: OtlpValue): AttributeValue => {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return value.arrayValue.values.map(valueOf);
  return "";
};

const attributesOf = (list: ReadonlyArray<{ key: string; value: OtlpValue }> | undefined): Record<string, AttributeValue> =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));

export const startReceiver = async (): Promise<Receiver> => {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const points: ReceivedPoint[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      bodies.push(body);
      headers.push(request.headers);
      if (request.url === "/v1/traces" && request.headers["content-type"]?.includes("json")) {
        const data = JSON.parse(body) as { resourceSpans: ReadonlyArray<any> };
        for (const resourceSpan of data.resourceSpans) {
          const serviceName = attributesOf(resourceSpan.resource?.attributes)["service.name"] as string | undefined;
          for (const scopeSpan of resourceSpan.scopeSpans) {
            for (const span of scopeSpan.spans) {
              spans.push({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
                start: BigInt(span.startTimeUnixNano),
                end: BigInt(span.endTimeUnixNano),
                attributes: attributesOf(span.attributes),
                status: span.status ?? { code: 0 },
                serviceName,
              });
            }
          }
        }
      }
      if (request.url === "/v1/metrics" && request.headers["content-type"]?.includes("json")) {
        const data = JSON.parse(body) as { resourceMetrics: ReadonlyArray<any> };
        for (const resourceMetric of data.resourceMetrics) {
          for (const scopeMetric of resourceMetric.scopeMetrics) {
            for (const metric of scopeMetric.metrics) {
              const dataPoints = metric.histogram?.dataPoints ?? metric.sum?.dataPoints ?? metric.gauge?.dataPoints ?? [];
              for (const point of dataPoints) {
                points.push({
                  request: bodies.length,
                  metric: metric.name,
                  attributes: attributesOf(point.attributes),
                  count: point.count === undefined ? undefined : Number(point.count),
                  sum: point.sum === undefined ? undefined : Number(point.sum),
                  value: point.asInt !== undefined ? Number(point.asInt) : point.asDouble,
                });
              }
            }
          }
        }
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    points,
    bodies,
    headers,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
};
