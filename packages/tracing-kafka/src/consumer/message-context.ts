import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';
import {
  extractTraceContext,
  getCorrelationId,
  recordCarrierGetter,
  reportTelemetryFault,
  setCorrelationId,
} from '@huleedu/nest-tracing';
import type { ConsumedMessage } from './consumed-message.js';
import { asCarrierRecord, readField } from './carrier-record.js';

type Carrier = Record<string, unknown>;

const CORRELATION_KEYS = ['correlation_id', 'correlationId', 'x-correlation-id'];

function correlationIn(carrier: Carrier | undefined): string | undefined {
  if (!carrier) return undefined;
  for (const key of CORRELATION_KEYS) {
    const value = recordCarrierGetter.get(carrier, key);
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/**
 * Whether the headers carry a readable `traceparent` (what `recordCarrierGetter` would return),
 * without decoding it when it sits under its own name as one string or Buffer: the propagator
 * decodes it anyway.
 */
function carriesTraceparent(headers: Carrier): boolean {
  const raw = readField(headers, 'traceparent');
  if (typeof raw === 'string' || raw instanceof Uint8Array) return true;
  return recordCarrierGetter.get(headers, 'traceparent') !== undefined;
}

function extractFromHeaders(headers: Carrier): Context {
  try {
    return propagation.extract(ROOT_CONTEXT, headers, recordCarrierGetter);
  } catch (error) {
    reportTelemetryFault('Kafka consumer', 'Could not read trace context from message headers', error);
    return ROOT_CONTEXT;
  }
}

/** What a consumed message says about where it came from. */
export interface MessageOrigin {
  /** The producer's context: trace context, baggage and correlation id (the root context if none). */
  readonly context: Context;
  /** The producer's span context, when a valid one arrived. */
  readonly spanContext: SpanContext | undefined;
  /** The correlation id in `context` (what `getCorrelationId(context)` returns). */
  readonly correlationId: string | undefined;
}

/** What a message without a readable context says about where it came from: nothing. */
const UNKNOWN_ORIGIN: MessageOrigin = { context: ROOT_CONTEXT, spanContext: undefined, correlationId: undefined };

/**
 * The producer's context of a message: from its headers when they carry a `traceparent`, else from
 * the envelope's `metadata` (when enabled). The correlation id comes from the headers, the
 * envelope's `metadata` or the envelope itself (`correlation_id`), in that order. Malformed values,
 * and headers or metadata of any other shape than a record (null, a string, an array, a Buffer), are
 * ignored: the consumer then starts a new trace. Never throws.
 */
export function messageOrigin(message: ConsumedMessage, envelopeMetadata: boolean): MessageOrigin {
  try {
    return readMessageOrigin(message, envelopeMetadata);
  } catch (error) {
    // what the readers above do not already contain (a payload or its metadata that throws on reading)
    reportTelemetryFault('Kafka consumer (message origin)', 'Could not read where a message came from', error);
    return UNKNOWN_ORIGIN;
  }
}

function readMessageOrigin(message: ConsumedMessage, envelopeMetadata: boolean): MessageOrigin {
  // a transport's ConsumedMessage has a record or undefined; checked again for any other ConsumedMessage
  const headers = asCarrierRecord(message.headers);
  const headerParent = headers !== undefined && carriesTraceparent(headers);
  const headerCorrelation = correlationIn(headers);
  // the payload is decoded (raw kafkajs values parsed) only when the headers leave something to find
  const envelope =
    envelopeMetadata && (!headerParent || headerCorrelation === undefined)
      ? asCarrierRecord(message.payload)
      : undefined;
  const metadata = asCarrierRecord(readField(envelope, 'metadata'));
  // the headers' correlation id is read above, so they go straight to the propagators
  let context = headerParent ? extractFromHeaders(headers) : metadata ? extractTraceContext(metadata) : ROOT_CONTEXT;
  const correlationId = headerCorrelation ?? correlationIn(metadata) ?? correlationIn(envelope);
  // the message's own id wins over the baggage's; set without reading the baggage that came with the
  // message, which is parsed only if something reads it (an invalid id changes nothing)
  const withId = correlationId !== undefined ? setCorrelationId(context, correlationId) : context;
  const contextCorrelationId = withId !== context ? correlationId : getCorrelationId(context);
  context = withId;
  const spanContext = trace.getSpanContext(context);
  return {
    context,
    spanContext: spanContext && trace.isSpanContextValid(spanContext) ? spanContext : undefined,
    correlationId: contextCorrelationId,
  };
}
