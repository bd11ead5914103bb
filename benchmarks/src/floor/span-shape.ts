import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ContextSeen, FloorTransport } from './floor-transport.js';
import type { FloorSpanExporter } from './floor-sdk.js';

/** Everything of a span the comparison looks at: all but ids, times and the instrumentation scope. */
export interface SpanShape {
  name: string;
  kind: string;
  /** Sorted by key. */
  attributes: Array<[string, unknown]>;
  links: Array<{ traceId: string; spanId: string; attributes: Array<[string, unknown]> }>;
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes: Array<[string, unknown]> }>;
  /** The parent's span id and trace id (the fixtures make both variants' parents the same span). */
  parent: string | undefined;
  traceId: string;
  droppedAttributesCount: number;
}

const sorted = (attributes: object | undefined): Array<[string, unknown]> =>
  Object.entries(attributes ?? {}).sort(([a], [b]) => a.localeCompare(b));

export function shapeOf(span: ReadableSpan): SpanShape {
  const parent = span.parentSpanContext;
  return {
    name: span.name,
    kind: SpanKind[span.kind],
    attributes: sorted(span.attributes),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: sorted(link.attributes),
    })),
    status: span.status.message ? { code: span.status.code, message: span.status.message } : { code: span.status.code },
    events: span.events.map((event) => ({ name: event.name, attributes: sorted(event.attributes) })),
    parent: parent ? `${parent.traceId}-${parent.spanId}` : undefined,
    traceId: span.spanContext().traceId,
    droppedAttributesCount: span.droppedAttributesCount,
  };
}

/** What the code under the span saw, with the variant's own span id replaced by a marker. */
function normalisedContext(seen: ContextSeen | undefined, own: ReadableSpan[]): unknown {
  if (!seen) return undefined;
  const ownIds = new Set(own.map((span) => span.spanContext().spanId));
  const activeSpan = seen.activeSpanId === undefined ? 'none' : ownIds.has(seen.activeSpanId) ? 'own' : 'other';
  const headers = seen.headers
    ? Object.fromEntries(
        Object.entries(seen.headers)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => [key, key === 'traceparent' ? traceparentOwner(value, ownIds) : value]),
      )
    : undefined;
  return { ...seen, activeSpanId: activeSpan, headers };
}

/** A `traceparent` value reduced to whether it names the variant's own span. */
function traceparentOwner(value: string, ownIds: Set<string>): string {
  const [version, , spanId, flags] = value.split('-');
  return `${version}-<trace>-${ownIds.has(spanId) ? '<own span>' : spanId}-${flags}`;
}

export interface ShapeCheck {
  transport: string;
  spans: number;
  nestTracing: { shapes: SpanShape[]; context: unknown; scopes: string[] };
  handWritten: { shapes: SpanShape[]; context: unknown; scopes: string[] };
}

/**
 * Run one operation of each traced variant against the recording exporter and compare what they
 * emitted and what the code under the span saw. Throws with both sides when they differ: the
 * hand-written floor is only a floor if it makes the same spans.
 */
export async function checkSpanShapes(
  transport: FloorTransport,
  exporter: FloorSpanExporter,
  flush: () => Promise<void>,
  against: { id: string; observe(): Promise<ContextSeen | undefined> } = {
    id: 'hand-written',
    observe: () => transport.observe('hand-written'),
  },
): Promise<ShapeCheck> {
  await flush();
  exporter.take();
  exporter.recording = true;
  const observe = async (run: () => Promise<ContextSeen | undefined>) => {
    const seen = await run();
    await flush();
    const spans = exporter.take();
    return {
      shapes: spans.map(shapeOf),
      context: normalisedContext(seen, spans),
      scopes: [...new Set(spans.map((span) => span.instrumentationScope.name))],
    };
  };
  try {
    const nestTracing = await observe(() => transport.observe('nest-tracing'));
    const handWritten = await observe(() => against.observe());
    const ours = JSON.stringify({ shapes: nestTracing.shapes, context: nestTracing.context });
    const theirs = JSON.stringify({ shapes: handWritten.shapes, context: handWritten.context });
    if (nestTracing.shapes.length !== transport.spansPerOperation || ours !== theirs) {
      throw new Error(
        `${transport.id}: the ${against.id} variant does not make the same spans as nest-tracing ` +
          `(expected ${transport.spansPerOperation} span(s) per operation).\n` +
          `nest-tracing: ${JSON.stringify(nestTracing, null, 2)}\n${against.id}: ${JSON.stringify(handWritten, null, 2)}`,
      );
    }
    return { transport: transport.id, spans: nestTracing.shapes.length, nestTracing, handWritten };
  } finally {
    exporter.recording = false;
  }
}
