import type { Context } from '@opentelemetry/api';

/**
 * The fields a log line written inside a traced context carries, named as OpenTelemetry names trace
 * context in non-OTLP log formats (specification, `compatibility/logging_trace_context.md`): a
 * collector maps `trace_id`, `span_id` and `trace_flags` to the log record's `TraceId`, `SpanId` and
 * `TraceFlags`.
 */
export interface TraceLogFields {
  /** The trace id: 32 lowercase hex digits. Present with `span_id` and `trace_flags`, or not at all. */
  trace_id?: string;
  /** The id of the span active when the line was written: 16 lowercase hex digits. */
  span_id?: string;
  /** The W3C trace flags as two lowercase hex digits: `'01'` sampled, `'00'` not sampled. */
  trace_flags?: string;
  /** The correlation id of the context (`withCorrelationId`, an `x-correlation-id` header, baggage). */
  correlation_id?: string;
}

/** A log field value every supported logger prints as is. */
export type LogFieldValue = string | number | boolean;

/** Options every integration of this package takes. */
export interface TraceLogFieldsOptions {
  /**
   * More fields for lines written inside a traced or correlated context, read from that context (a
   * tenant id from baggage, say). Called once per log line; a hook that throws costs the line only
   * its extra fields, and is reported once. Keep it cheap, and return no personal data.
   * Default: none.
   */
  extraFields?: (context: Context) => Record<string, LogFieldValue | undefined> | undefined;
}
