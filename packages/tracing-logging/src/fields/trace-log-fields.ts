import { context as contextApi, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { getCorrelationId } from '@huleedu/nest-tracing';
import type { TraceLogFields } from '../types.js';
import { formatTraceFlags } from './format-trace-flags.js';

/**
 * The trace fields of `ctx` (default: the active context): `trace_id`, `span_id` and `trace_flags`
 * when a valid span context is active (sampled or not: an unsampled trace still ties the lines of
 * one request together), `correlation_id` when the context carries one. `undefined` outside any
 * traced or correlated context, so callers leave such lines as they are. May throw if the context's
 * baggage or span is broken: the integrations call it through `collectLogFields`.
 */
export function traceLogFields(ctx: Context = contextApi.active()): TraceLogFields | undefined {
  const spanContext = trace.getSpanContext(ctx);
  const traced = spanContext !== undefined && trace.isSpanContextValid(spanContext);
  const correlationId = getCorrelationId(ctx);
  if (!traced && correlationId === undefined) return undefined;
  const fields: TraceLogFields = {};
  if (traced) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
    fields.trace_flags = formatTraceFlags(spanContext.traceFlags);
  }
  if (correlationId !== undefined) fields.correlation_id = correlationId;
  return fields;
}
