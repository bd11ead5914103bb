import { context } from '@opentelemetry/api';
import { getCorrelationId, injectTraceContext } from '@huleedu/nest-tracing';
import { randomUUID } from 'node:crypto';

/** Trace context written into an envelope, as the seed's services read it with `use_trace_context`. */
export interface EnvelopeMetadata {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  correlation_id?: string;
  [key: string]: string | undefined;
}

/** The seed's event envelope. */
export interface EventEnvelope<T = unknown> {
  event_id: string;
  event_type: string;
  event_timestamp: string;
  source_service: string | undefined;
  correlation_id: string;
  data: T;
  metadata: EnvelopeMetadata;
}

export interface EventEnvelopeOptions {
  /** The publishing service's name. */
  sourceService?: string;
  /** Default: the current correlation id, else a new UUID. */
  correlationId?: string;
  /** Default: a new UUID. */
  eventId?: string;
}

/**
 * The seed's event envelope around `data`, with the current trace context and correlation id in
 * its `metadata`, so a consumer that reads only the payload (a bridge, a dead-letter replay) still
 * continues the trace. Publish it through a traced producer to have the same context in headers.
 * @example `producer.send({ topic, messages: [{ key: essayId, value: JSON.stringify(createEventEnvelope('essay.uploaded', essay)) }] })`
 */
export function createEventEnvelope<T>(
  eventType: string,
  data: T,
  options: EventEnvelopeOptions = {},
): EventEnvelope<T> {
  const active = context.active();
  const correlationId = options.correlationId ?? getCorrelationId(active) ?? randomUUID();
  const metadata = injectTraceContext<EnvelopeMetadata>({}, active);
  metadata.correlation_id = correlationId;
  return {
    event_id: options.eventId ?? randomUUID(),
    event_type: eventType,
    event_timestamp: new Date().toISOString(),
    source_service: options.sourceService,
    correlation_id: correlationId,
    data,
    metadata,
  };
}
