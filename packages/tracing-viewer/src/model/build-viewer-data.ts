import type { ViewerData, ViewerSpanRow, ViewerTrace } from '../types.js';
import { normalizeSpan } from './normalize-span.js';
import type { NormalizedSpan, ViewerInputSpan } from './normalize-span.js';
import { assignServiceColors } from './service-colors.js';

const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'] as const;
const UNKNOWN_SERVICE = 'unknown_service';

const byStart = (a: NormalizedSpan, b: NormalizedSpan): number =>
  a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0;
const millis = (nanoseconds: bigint): number => Number(nanoseconds) / 1e6;

function serviceOf(span: NormalizedSpan): string {
  const name = span.resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

function toRow(span: NormalizedSpan, traceStartNs: bigint, depth: number, parentMissing: boolean): ViewerSpanRow {
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    depth,
    parentMissing,
    name: span.name,
    service: serviceOf(span),
    kind: KIND_NAMES[span.kind] ?? String(span.kind),
    status: { code: STATUS_NAMES[span.status.code] ?? 'UNSET', message: span.status.message },
    offsetMs: millis(span.startTimeUnixNano - traceStartNs),
    durationMs: Math.max(0, millis(span.endTimeUnixNano - span.startTimeUnixNano)),
    attributes: span.attributes,
    events: span.events.map(({ name, attributes, timeUnixNano }) =>
      timeUnixNano === undefined
        ? { name, attributes }
        : { name, attributes, offsetMs: millis(timeUnixNano - traceStartNs) },
    ),
    links: span.links,
    resource: span.resource,
    scope: span.scope,
  };
}

/**
 * One trace's spans as rows in tree order: each span under its parent (by parent span id, whichever service
 * sent it), siblings in start order. A span whose parent did not arrive starts a tree of its own.
 */
function buildTrace(spans: NormalizedSpan[]): ViewerTrace {
  const sorted = [...spans].sort(byStart);
  const ids = new Set(sorted.map((span) => span.spanId));
  const children = new Map<string, NormalizedSpan[]>();
  const roots: NormalizedSpan[] = [];
  for (const span of sorted) {
    if (span.parentSpanId && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      const siblings = children.get(span.parentSpanId) ?? [];
      siblings.push(span);
      children.set(span.parentSpanId, siblings);
    } else {
      roots.push(span);
    }
  }
  const traceStartNs = sorted[0].startTimeUnixNano;
  const traceEndNs = sorted.reduce(
    (end, span) => (span.endTimeUnixNano > end ? span.endTimeUnixNano : end),
    traceStartNs,
  );
  const rows: ViewerSpanRow[] = [];
  const visited = new Set<string>();
  const walk = (span: NormalizedSpan, depth: number): void => {
    if (visited.has(span.spanId)) return; // a malformed trace with a cycle or a duplicate id is drawn once
    visited.add(span.spanId);
    rows.push(toRow(span, traceStartNs, depth, depth === 0 && span.parentSpanId !== ''));
    for (const child of children.get(span.spanId) ?? []) walk(child, depth + 1);
  };
  roots.forEach((root) => walk(root, 0));
  const root = roots[0];
  return {
    traceId: root.traceId,
    rootName: root.name,
    rootService: serviceOf(root),
    startTime: new Date(Number(traceStartNs / 1_000_000n)).toISOString(),
    durationMs: millis(traceEndNs - traceStartNs),
    services: [...new Set(sorted.map(serviceOf))],
    errorCount: rows.filter((row) => row.status.code === 'ERROR').length,
    rows,
  };
}

/** The page's data: the spans grouped by trace, the traces in the order they started, a colour per service. */
export function buildViewerData(spans: readonly ViewerInputSpan[], title = 'Traces'): ViewerData {
  const byTrace = new Map<string, NormalizedSpan[]>();
  for (const span of spans.map(normalizeSpan)) {
    const trace = byTrace.get(span.traceId) ?? [];
    trace.push(span);
    byTrace.set(span.traceId, trace);
  }
  const traces = [...byTrace.values()].map(buildTrace).sort((a, b) => a.startTime.localeCompare(b.startTime));
  return {
    title,
    services: assignServiceColors(traces.flatMap((trace) => trace.services)),
    traces,
    spanCount: spans.length,
  };
}
