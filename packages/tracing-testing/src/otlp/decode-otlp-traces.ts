import protobuf from 'protobufjs';
import { OTLP_TRACE_PROTO } from './otlp-trace.proto.js';

/** A span as it arrived over OTLP, decoded into plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  /** `timeUnixNano` is optional so that hand-made spans (fixtures, JSON files) need not carry it. */
  events: Array<{ name: string; attributes: Record<string, unknown>; timeUnixNano?: bigint }>;
  links: Array<{ traceId: string; spanId: string; attributes?: Record<string, unknown> }>;
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
}

const requestType = protobuf
  .parse(OTLP_TRACE_PROTO, { keepCase: false })
  .root.lookupType('otlp.ExportTraceServiceRequest');

type Json = Record<string, any>;

export function hex(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function anyValue(value: Json | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return ((value.arrayValue as Json).values ?? []).map((v: Json) => anyValue(v));
  if ('kvlistValue' in value) return keyValues((value.kvlistValue as Json).values);
  if ('bytesValue' in value) return hex(value.bytesValue);
  return undefined;
}

export function keyValues(list: Json[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key as string, anyValue(kv.value as Json)]));
}

/** Flatten an ExportTraceServiceRequest (as protobufjs objects or OTLP/JSON) into spans. */
export function flattenOtlpRequest(request: Json): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = keyValues(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' };
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name ?? '',
          kind: Number(span.kind ?? 0),
          attributes: keyValues(span.attributes),
          status: { code: Number(span.status?.code ?? 0), message: span.status?.message ?? '' },
          events: (span.events ?? []).map((event: Json) => ({
            name: event.name,
            attributes: keyValues(event.attributes),
            timeUnixNano: BigInt(String(event.timeUnixNano ?? 0)),
          })),
          links: (span.links ?? []).map((link: Json) => ({
            traceId: hex(link.traceId),
            spanId: hex(link.spanId),
            attributes: keyValues(link.attributes),
          })),
          resource,
          scope,
          startTimeUnixNano: BigInt(String(span.startTimeUnixNano ?? 0)),
          endTimeUnixNano: BigInt(String(span.endTimeUnixNano ?? 0)),
        });
      }
    }
  }
  return spans;
}

/** Decode an OTLP/HTTP trace export body: protobuf, or JSON when the content type says so. */
export function decodeOtlpTraces(body: Buffer, contentType: string | undefined): ReceivedSpan[] {
  if (contentType?.includes('json')) return flattenOtlpRequest(JSON.parse(body.toString('utf8')) as Json);
  const message = requestType.decode(body);
  return flattenOtlpRequest(requestType.toObject(message, { longs: String, bytes: Buffer, defaults: false }));
}
