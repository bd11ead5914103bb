import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';

/** OTLP span kinds by number. */
const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];
/** Attributes every library span has; left out of tree lines to keep them readable. */
const QUIET_ATTRIBUTES = new Set(['code.function.name', 'operation.type', 'operation.result']);
const MAX_VALUE_LENGTH = 48;

export const kindName = (span: ReceivedSpan): string => KIND_NAMES[span.kind] ?? String(span.kind);
const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
export const serviceName = (span: ReceivedSpan): string => text(span.resource['service.name'], '?');

const byStart = (a: ReceivedSpan, b: ReceivedSpan): number =>
  a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0;

function formatValue(value: unknown): string {
  const text = Array.isArray(value) ? `[${value.join(',')}]` : String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** Each span's children, in start order, and the spans whose parent is not among `spans`. */
function arrange(spans: readonly ReceivedSpan[]): { roots: ReceivedSpan[]; children: Map<string, ReceivedSpan[]> } {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const span of [...spans].sort(byStart)) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    } else {
      roots.push(span);
    }
  }
  return { roots, children };
}

/** One line: service, name, kind, duration, status, span and parent ids, attributes. */
export function describeReceivedSpan(span: ReceivedSpan): string {
  const durationMs = Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
  const status =
    span.status.code === 0
      ? ''
      : ` ${STATUS_NAMES[span.status.code] ?? span.status.code}${span.status.message ? ` (${span.status.message})` : ''}`;
  const attributes = Object.entries(span.attributes)
    .filter(([key]) => !QUIET_ATTRIBUTES.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
  return (
    `[${serviceName(span)}] ${span.name} [${kindName(span)}] ${durationMs.toFixed(2)}ms${status}` +
    `  span=${span.spanId} parent=${span.parentSpanId || '-'}${attributes ? `  ${attributes}` : ''}`
  );
}

/**
 * Received spans as an indented tree per trace, children (by parent span id) under their parents in
 * start order. A span whose parent did not arrive is shown as a root, with its parent id.
 */
export function formatReceivedSpanTree(spans: readonly ReceivedSpan[]): string {
  if (spans.length === 0) return '(no spans received)';
  const { roots, children } = arrange(spans);
  const lines: string[] = [];
  const walk = (span: ReceivedSpan, prefix: string, last: boolean): void => {
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describeReceivedSpan(span)}`);
    const kids = children.get(span.spanId) ?? [];
    kids.forEach((kid, index) => walk(kid, `${prefix}${last ? '   ' : '│  '}`, index === kids.length - 1));
  };
  const traces = new Map<string, ReceivedSpan[]>();
  for (const root of roots) traces.set(root.traceId, [...(traces.get(root.traceId) ?? []), root]);
  for (const [traceId, traceRoots] of traces) {
    lines.push(`trace ${traceId}`);
    traceRoots.forEach((root, index) => walk(root, '', index === traceRoots.length - 1));
  }
  return lines.join('\n');
}

/**
 * The shape of a trace for exact comparison: one line per span, `service: name [KIND]`, indented two
 * spaces per level under its parent. HTTP CLIENT spans show `http.request.method` instead of their
 * name (which varies with the instrumentation); database CLIENT spans show theirs (`INSERT contents`).
 */
export function traceShape(spans: readonly ReceivedSpan[]): string[] {
  const { roots, children } = arrange(spans);
  const lines: string[] = [];
  const walk = (span: ReceivedSpan, depth: number): void => {
    const label = kindName(span) === 'CLIENT' ? text(span.attributes['http.request.method'], span.name) : span.name;
    lines.push(`${'  '.repeat(depth)}${serviceName(span)}: ${label} [${kindName(span)}]`);
    for (const kid of children.get(span.spanId) ?? []) walk(kid, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines;
}

/**
 * Run `assertions`; if they fail, fail with the same message followed by the received spans as a
 * tree, so a broken trace can be read at a glance.
 */
export async function withSpanTreeOnFailure(
  spans: () => readonly ReceivedSpan[],
  assertions: () => void | Promise<void>,
): Promise<void> {
  try {
    await assertions();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const explained = new Error(`${message}\n\nReceived spans:\n${formatReceivedSpanTree(spans())}`);
    // Keep the failing assertion's location: Jest prints the message, then the stack frames.
    const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)) : [];
    explained.stack = [explained.message, ...frames].join('\n');
    throw explained;
  }
}
