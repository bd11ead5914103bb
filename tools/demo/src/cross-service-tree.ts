import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';

/** OTLP span kinds and status codes by number. */
const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];
/** The attributes a tree line shows, when the span has them. */
const KEY_ATTRIBUTES = [
  'http.route',
  'http.response.status_code',
  'user.id',
  'file.size',
  'content.id',
  'messaging.destination.name',
  'essay.id',
  'essay.state.from',
  'essay.state.to',
  'spellcheck.error_count',
  'batch.id',
  'batch.completion',
  'cj.pair.id',
  'cj.score',
  'llm.judgement.winner_id',
] as const;

export const serviceName = (span: ReceivedSpan): string => {
  const name = span.resource['service.name'];
  return typeof name === 'string' ? name : '?';
};
export const kindName = (span: ReceivedSpan): string => KIND_NAMES[span.kind] ?? String(span.kind);
const durationMs = (span: ReceivedSpan): number => Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
const byStart = (a: ReceivedSpan, b: ReceivedSpan): number =>
  a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0;

/** The spans by trace id, the traces in the order their first span started. */
export function groupByTrace(spans: readonly ReceivedSpan[]): ReceivedSpan[][] {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of [...spans].sort(byStart)) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return [...traces.values()];
}

/** The services a trace's spans came from, in the order they first appear. */
export function servicesOf(trace: readonly ReceivedSpan[]): string[] {
  return [...new Set([...trace].sort(byStart).map(serviceName))];
}

/** One line: service, name, kind, duration, status, key attributes. */
function describe(span: ReceivedSpan): string {
  const status = STATUS_NAMES[span.status.code] ?? String(span.status.code);
  const statusText = span.status.message ? `${status} (${span.status.message})` : status;
  const attributes = KEY_ATTRIBUTES.filter((key) => span.attributes[key] !== undefined)
    .map((key) => `${key}=${String(span.attributes[key])}`)
    .join(' ');
  return (
    `${serviceName(span)}: ${span.name} [${kindName(span)}] ${durationMs(span).toFixed(2)}ms ${statusText}` +
    (attributes ? `  ${attributes}` : '')
  );
}

/**
 * One trace as an indented tree: each span under its parent (by parent span id, across services), children
 * in start order. A span whose parent did not arrive is shown as another root.
 */
export function formatTrace(trace: readonly ReceivedSpan[]): string {
  const sorted = [...trace].sort(byStart);
  const ids = new Set(sorted.map((span) => span.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const span of sorted) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    } else {
      roots.push(span);
    }
  }
  const lines: string[] = [];
  const walk = (span: ReceivedSpan, prefix: string, last: boolean): void => {
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describe(span)}`);
    const kids = children.get(span.spanId) ?? [];
    kids.forEach((kid, index) => walk(kid, `${prefix}${last ? '   ' : '│  '}`, index === kids.length - 1));
  };
  roots.forEach((root, index) => walk(root, '', index === roots.length - 1));
  return lines.join('\n');
}

/**
 * One line about a trace: its id, its span count per service (in the order the services first appear) and
 * the `correlation_id` values its spans carry (one when the correlation id went all the way through).
 */
export function summarizeTrace(trace: readonly ReceivedSpan[]): string {
  const counts = servicesOf(trace).map(
    (service) => `${service} ${trace.filter((span) => serviceName(span) === service).length}`,
  );
  const correlationIds = [
    ...new Set(
      trace.map((span) => {
        const id = span.attributes['correlation_id'];
        return id === undefined ? '(none)' : typeof id === 'string' ? id : JSON.stringify(id);
      }),
    ),
  ];
  const correlation =
    correlationIds.length === 1
      ? `correlation_id ${correlationIds[0]} on every span`
      : `correlation_id values: ${correlationIds.join(', ')}`;
  return `trace ${trace[0]?.traceId ?? '(none)'}: ${trace.length} spans (${counts.join(', ')}); ${correlation}`;
}
