import { appendFileSync } from 'node:fs';
import { diag } from '@opentelemetry/api';

/** The environment variable naming the file finished spans are appended to. */
export const SPANS_FILE_ENV = 'NEST_TRACING_SPANS_FILE';

/** Attributes written: the ones that say which route, handler or method made the span, never payloads. */
const WRITTEN_ATTRIBUTES = [
  'http.request.method',
  'http.route',
  'messaging.system',
  'messaging.operation.type',
  'messaging.destination.name',
  'code.function.name',
  'db.system.name',
];

const KIND_NAMES = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** A finished span, as much of it as a spans file keeps. */
export interface SpanLine {
  name: string;
  /** SDK span kind (0 internal ... 4 consumer). */
  kind: number;
  service: unknown;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

let reported = false;

/**
 * With `NEST_TRACING_SPANS_FILE` set, appends each span as one JSON line (name, kind, service,
 * ids and the identifying attributes), so `nest-tracing coverage --spans <file>` can tell which
 * routes and handlers a test run exercised. Several jest workers may append to one file. A write
 * that fails is reported once through OpenTelemetry's diag and never fails the test.
 */
export function appendSpanLines(spans: SpanLine[]): void {
  const file = process.env[SPANS_FILE_ENV];
  if (!file || spans.length === 0) return;
  const lines = spans.map((span) => {
    const attributes: Record<string, unknown> = {};
    for (const key of WRITTEN_ATTRIBUTES)
      if (span.attributes[key] !== undefined) attributes[key] = span.attributes[key];
    return JSON.stringify({
      name: span.name,
      kind: KIND_NAMES[span.kind] ?? String(span.kind),
      service: typeof span.service === 'string' ? span.service : undefined,
      traceId: span.traceId,
      spanId: span.spanId,
      attributes,
    });
  });
  try {
    appendFileSync(file, `${lines.join('\n')}\n`);
  } catch (error) {
    if (!reported) diag.warn(`${SPANS_FILE_ENV}: cannot append to ${file}: ${String(error)}`);
    reported = true;
  }
}
