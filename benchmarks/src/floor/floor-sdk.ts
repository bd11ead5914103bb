import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, Tracer } from '@opentelemetry/api';
import { setCorrelationId, startTracing } from '@huleedu/nest-tracing';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

type ExportCallback = Parameters<SpanExporter['export']>[1];

/**
 * The one exporter of the run: it keeps the spans it is given while `recording` (the start-up
 * comparison of span shapes), and otherwise drops them at once, counting them, so the measured
 * variants pay for making, ending and queueing spans but not for encoding or sending them.
 */
export class FloorSpanExporter implements SpanExporter {
  recording = false;
  exported = 0;
  private kept: ReadableSpan[] = [];

  export(spans: ReadableSpan[], resultCallback: ExportCallback): void {
    this.exported += spans.length;
    if (this.recording) this.kept.push(...spans);
    resultCallback({ code: 0 });
  }

  /** The spans kept since the last call. */
  take(): ReadableSpan[] {
    const spans = this.kept;
    this.kept = [];
    return spans;
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** The service name of the run: span names of `@Traced` methods start with `bench-floor.`. */
export const SERVICE_NAME = 'bench-floor';

let tracer: Tracer | undefined;

/**
 * The tracer of every hand-written span (ours carry the packages' own scopes): looked up once, after
 * the SDK is registered, so it is the SDK's tracer itself (`trace.getTracer()` per call would build
 * the provider's cache key and look it up every time).
 */
export function handWrittenTracer(): Tracer {
  return (tracer ??= trace.getTracer('floor.hand-written'));
}

/**
 * `--hand-written-attributes=start`: the hand-written spans take their attributes in the start options,
 * where samplers see them (what the semantic conventions ask for the sampling-relevant ones), instead of
 * right after the start (the default, and the cheaper way).
 */
export const ATTRIBUTES_AT_START = process.argv.includes('--hand-written-attributes=start');

/** A hand-written span with `attributes`: set right after the start, or passed at start (see {@link ATTRIBUTES_AT_START}). */
export function startWithAttributes(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent: Context,
  links?: Link[],
): Span {
  if (ATTRIBUTES_AT_START) return handWrittenTracer().startSpan(name, { kind, links, attributes }, parent);
  const span = handWrittenTracer().startSpan(name, { kind, links }, parent);
  span.setAttributes(attributes);
  return span;
}

/** The correlation id of the request every in-process operation runs under. */
export const PARENT_CORRELATION_ID = '6f1c2b9e-4d7a-4c51-9a8e-2f0b7d3e1a55';

export interface FloorSdk {
  exporter: FloorSpanExporter;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /**
   * The context of a request handler: a recording SERVER span and a correlation id (in the context
   * and in baggage, as nest-tracing's server span puts it). `@Traced`, the producer and the statements
   * run under it, as they would in a service.
   */
  requestContext: Context;
}

/**
 * The SDK every variant shares, started through the library as a service starts it: batch span
 * processor (nest-tracing's defaults), parent-based always-on sampling, W3C trace context and baggage
 * propagators, AsyncLocalStorage context manager. Hand-written spans come from the same provider.
 */
export async function startFloorSdk(): Promise<FloorSdk> {
  const exporter = new FloorSpanExporter();
  const tracing = await startTracing({ serviceName: SERVICE_NAME, exporter, spanProcessor: 'batch' });
  if (propagation.fields().join(',') !== 'traceparent,tracestate,baggage') {
    throw new Error(`unexpected global propagator fields: ${propagation.fields().join(',')}`);
  }
  const requestSpan = handWrittenTracer().startSpan('GET /essays/:id', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  const requestContext = setCorrelationId(trace.setSpan(ROOT_CONTEXT, requestSpan), PARENT_CORRELATION_ID);
  return {
    exporter,
    forceFlush: () => tracing.forceFlush(),
    shutdown: async () => {
      requestSpan.end();
      await tracing.shutdown();
    },
    requestContext,
  };
}

/**
 * OpenTelemetry's own W3C trace-context and baggage propagators, which hand-written code extracts
 * with (an application that registered them itself). The global propagator is nest-tracing's, from
 * `startTracing`: the same two, its baggage one parsing a received header only when it is read.
 */
export const stockPropagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

/** The correlation id a hand-written span reads from a context: OpenTelemetry baggage. */
export function baggageCorrelationId(ctx: Context): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry('correlation_id')?.value;
}

/**
 * What a careful engineer writes when the operation fails: the same `operation.result`, `error.type`,
 * status and exception event as nest-tracing (not exercised by the measured operations, which succeed).
 */
export function endWithFailure(span: Span, error: unknown): void {
  span.setAttribute('operation.result', 'error');
  const type = error instanceof Error ? error.constructor.name : '_OTHER';
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.recordException(error instanceof Error ? { name: type, message: error.message, stack: error.stack } : type);
  span.end();
}

/** The end of a successful operation's span. */
export function endWithSuccess(span: Span): void {
  span.setAttribute('operation.result', 'success');
  span.end();
}
