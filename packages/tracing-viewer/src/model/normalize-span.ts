import type { ReceivedSpan } from '@huleedu/nest-tracing-testing/otlp';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** A time in nanoseconds since the epoch: a bigint as decoded, or its decimal string or number as in JSON. */
export type UnixNanos = bigint | string | number;

/**
 * A span as the testing package's OTLP receiver yields it (`ReceivedSpan`), or as it reads back from a JSON
 * file (times as strings). OTLP numbering: kind 1 internal ... 5 consumer; status 0 unset, 1 ok, 2 error.
 */
export interface ReceivedSpanLike {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Record<string, unknown>;
  status?: { code: number; message?: string };
  events?: Array<{ name: string; attributes?: Record<string, unknown>; timeUnixNano?: UnixNanos }>;
  links?: Array<{ traceId: string; spanId: string; attributes?: Record<string, unknown> }>;
  resource?: Record<string, unknown>;
  scope?: { name: string; version?: string };
  startTimeUnixNano: UnixNanos;
  endTimeUnixNano: UnixNanos;
}

/** What {@link renderTraceViewerHtml} accepts: spans received over OTLP, or the SDK's finished spans. */
export type ViewerInputSpan = ReceivedSpanLike | ReadableSpan;

/**
 * The one shape the model is built from: a span as the testing package's OTLP receiver decodes it,
 * every link with its attributes.
 */
export type NormalizedSpan = ReceivedSpan & {
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
};

const nanos = (value: UnixNanos): bigint => BigInt(typeof value === 'number' ? Math.round(value) : value);
const hrTimeNanos = ([seconds, nanoseconds]: readonly [number, number]): bigint =>
  BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);

function isReadableSpan(span: ViewerInputSpan): span is ReadableSpan {
  return typeof (span as Partial<ReadableSpan>).spanContext === 'function';
}

function fromReadableSpan(span: ReadableSpan): NormalizedSpan {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    name: span.name,
    // The API's SpanKind counts from INTERNAL = 0; OTLP from UNSPECIFIED = 0.
    kind: span.kind + 1,
    attributes: { ...span.attributes },
    status: { code: span.status.code, message: span.status.message ?? '' },
    events: span.events.map((event) => ({
      name: event.name,
      attributes: { ...event.attributes },
      timeUnixNano: hrTimeNanos(event.time),
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: { ...link.attributes },
    })),
    resource: { ...span.resource.attributes },
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version ?? '' },
    startTimeUnixNano: hrTimeNanos(span.startTime),
    endTimeUnixNano: hrTimeNanos(span.endTime),
  };
}

function fromReceivedSpan(span: ReceivedSpanLike): NormalizedSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? '',
    name: span.name,
    kind: span.kind,
    attributes: span.attributes ?? {},
    status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      attributes: event.attributes ?? {},
      // The OTLP decoder says 0 when an event had no time.
      timeUnixNano:
        event.timeUnixNano !== undefined && nanos(event.timeUnixNano) > 0n ? nanos(event.timeUnixNano) : undefined,
    })),
    links: (span.links ?? []).map((link) => ({ ...link, attributes: link.attributes ?? {} })),
    resource: span.resource ?? {},
    scope: { name: span.scope?.name ?? '', version: span.scope?.version ?? '' },
    startTimeUnixNano: nanos(span.startTimeUnixNano),
    endTimeUnixNano: nanos(span.endTimeUnixNano),
  };
}

/** Either input shape as a {@link NormalizedSpan}. */
export function normalizeSpan(span: ViewerInputSpan): NormalizedSpan {
  return isReadableSpan(span) ? fromReadableSpan(span) : fromReceivedSpan(span);
}
