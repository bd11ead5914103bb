import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** Attributes every library span has; left out of tree lines to keep them readable. */
const QUIET_ATTRIBUTES = new Set(['code.function.name', 'operation.type', 'operation.result']);
const MAX_VALUE_LENGTH = 40;

function durationMs(span: ReadableSpan): string {
  if (!span.ended) return 'open';
  const [seconds, nanos] = span.duration;
  return `${(seconds * 1e3 + nanos / 1e6).toFixed(2)}ms`;
}

/** An attribute value of any API 1.10 kind as text: `[a,b]`, `{key:value}`, bytes as `0x…` hex. */
function valueText(value: unknown): string {
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return `[${value.map(valueText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, member]) => `${key}:${valueText(member)}`)
      .join(',')}}`;
  }
  return String(value);
}

function formatValue(value: unknown): string {
  const text = valueText(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** One line: name, kind, duration, outcome and the attributes that tell calls apart. */
export function describeSpan(span: ReadableSpan): string {
  const kind = SpanKind[span.kind];
  const status =
    span.status.code === SpanStatusCode.ERROR
      ? ` ✗ ERROR${span.status.message ? ` (${span.status.message})` : ''}`
      : span.status.code === SpanStatusCode.OK
        ? ' ✓ OK'
        : '';
  const attributes = Object.entries(span.attributes)
    .filter(([key]) => !QUIET_ATTRIBUTES.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
  const links = span.links.length > 0 ? ` links=${span.links.length}` : '';
  return `${span.name} [${kind}] ${durationMs(span)}${status}${attributes ? `  ${attributes}` : ''}${links}`;
}

const byStart = (a: ReadableSpan, b: ReadableSpan): number =>
  a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];

/**
 * Spans as an indented tree per trace, children under their parents in start order; a span
 * whose parent is not among `spans` is shown as a root.
 */
export function formatSpanTree(spans: readonly ReadableSpan[]): string {
  if (spans.length === 0) return '(no spans)';
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId;
    if (parentId && ids.has(parentId)) children.set(parentId, [...(children.get(parentId) ?? []), span]);
    else roots.push(span);
  }
  const lines: string[] = [];
  const walk = (span: ReadableSpan, prefix: string, last: boolean): void => {
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describeSpan(span)}`);
    const kids = (children.get(span.spanContext().spanId) ?? []).sort(byStart);
    kids.forEach((kid, index) => walk(kid, `${prefix}${last ? '   ' : '│  '}`, index === kids.length - 1));
  };
  const traces = new Map<string, ReadableSpan[]>();
  for (const root of roots.sort(byStart)) {
    const traceId = root.spanContext().traceId;
    traces.set(traceId, [...(traces.get(traceId) ?? []), root]);
  }
  for (const [traceId, traceRoots] of traces) {
    lines.push(`trace ${traceId}`);
    traceRoots.forEach((root, index) => walk(root, '', index === traceRoots.length - 1));
  }
  return lines.join('\n');
}
