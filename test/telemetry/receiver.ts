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

export interface Receiver {
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
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    headers,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
};
