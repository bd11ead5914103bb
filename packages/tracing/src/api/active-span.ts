import { context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { getCorrelationId, setCorrelationId } from '../propagation/correlation-context.js';
import { runtime } from '../runtime/tracing-runtime.js';
import { coerceAttributes } from '../utils/coerce-attributes.js';

/** The span active in the current context, if any. */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** The current trace id, or undefined outside a (valid) trace. */
export function traceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** Set attributes on the active span (coerced like decorator attributes); no-op without one. */
export function setAttributes(attributes: Record<string, unknown>): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttributes(coerceAttributes(attributes, runtime.attributeValueLengthLimit));
}

/** Add an event to the active span; no-op without one. */
export function addEvent(name: string, attributes?: Record<string, unknown>): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.addEvent(name, coerceAttributes(attributes, runtime.attributeValueLengthLimit));
}

/**
 * Record a handled exception on the active span as an event, without failing the span
 * (an error that escapes a traced call is recorded by the call itself).
 */
export function recordException(error: unknown): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.recordException(error instanceof Error ? error : { message: String(error) });
}

/** The correlation id in the current context (set by `withCorrelationId`, or from baggage). */
export function correlationId(): string | undefined {
  return getCorrelationId(context.active());
}

/**
 * Run `fn` with `id` as the correlation id: every span started inside gets `correlation_id`, and
 * the id travels onward in baggage. An invalid id (empty, over 256 characters, not printable
 * ASCII) is ignored.
 */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return context.with(setCorrelationId(context.active(), id), fn);
}
