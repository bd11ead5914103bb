import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { traceOperation } from '@huleedu/nest-tracing';
import { withTraceHeaders } from '@huleedu/nest-tracing-kafka';
import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import { baggageCorrelationId, endWithFailure, endWithSuccess, handWrittenTracer } from './floor-sdk.js';
import type { Batch, ContextSeen, Diagnostic } from './floor-transport.js';
import { CLIENT_ID } from './kafka-consumer.transport.js';
import { ImmediateProducer } from './kafka-producer.transport.js';

type Send = (record: ProducerRecord) => Promise<RecordMetadata[]>;

/** The messaging attributes of the PRODUCER span (without `operation.type` and `correlation_id`). */
function messagingAttributes(record: ProducerRecord): Attributes {
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.destination.name': record.topic,
    'messaging.client.id': CLIENT_ID,
  };
  const key = record.messages.length === 1 ? record.messages[0].key : undefined;
  if (key !== undefined && key !== null) attributes['messaging.kafka.message.key'] = key.toString();
  return attributes;
}

/** The hand-written headers: the span's context injected, plus `correlation_id`; the caller's headers win. */
function handWrittenHeaders(record: ProducerRecord, active: Context, correlationId: string | undefined) {
  const injected: Record<string, string> = {};
  propagation.inject(active, injected);
  if (correlationId !== undefined) injected.correlation_id = correlationId;
  return { ...record, messages: record.messages.map((m) => ({ ...m, headers: { ...injected, ...m.headers } })) };
}

/** The floor's own span, with the headers made by `headers`. */
function sendWithHandWrittenSpan(
  producer: ImmediateProducer,
  record: ProducerRecord,
  headers: (record: ProducerRecord, active: Context, correlationId: string | undefined) => ProducerRecord,
): Promise<RecordMetadata[]> {
  const parent = context.active();
  const attributes = messagingAttributes(record);
  attributes['operation.type'] = 'send';
  const correlationId = baggageCorrelationId(parent);
  if (correlationId !== undefined) attributes.correlation_id = correlationId;
  const span = handWrittenTracer().startSpan(`kafka.produce.${record.topic}`, { kind: SpanKind.PRODUCER }, parent);
  span.setAttributes(attributes);
  const active = trace.setSpan(parent, span);
  const traced = headers(record, active, correlationId);
  return context
    .with(suppressTracing(active), () => producer.send(traced))
    .then(
      (metadata) => {
        endWithSuccess(span);
        return metadata;
      },
      (error: unknown) => {
        endWithFailure(span, error);
        throw error;
      },
    );
}

/** A producer behind the same kind of Proxy as `traceKafkaProducer`'s: `send` and `sendBatch` from the trap. */
function proxied(producer: ImmediateProducer, send: Send): { send: Send } {
  const sendBatch = () => producer.sendBatch();
  return new Proxy(producer, {
    get(target, property, receiver) {
      if (property === 'send') return send;
      if (property === 'sendBatch') return sendBatch;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/**
 * The producer floor with one piece of nest-tracing's way each (all public API), to see what each costs:
 * - `floor-base`: the floor's span, headers and send, in the form the others change one piece of;
 * - `floor+proxy`: called through a Proxy, as `traceKafkaProducer` returns one;
 * - `floor+withTraceHeaders`: the headers made by `withTraceHeaders` (what `traceKafkaProducer` uses);
 * - `floor+traceOperation`: the span made and ended by `traceOperation` (what `runProduceSpan` uses: a
 *   span spec per call, the attributes passed at start, the call settled by `runTraced`);
 * - `floor+all`: the three together, close to `traceKafkaProducer(producer).send()` itself.
 */
export function producerDiagnostics(
  requestContext: Context,
  records: ProducerRecord[],
  batch: (send: Send) => Batch,
): Record<string, Diagnostic> {
  const diagnostic = (label: string, make: (producer: ImmediateProducer) => Send): Diagnostic => {
    const producer = new ImmediateProducer();
    const send = make(producer);
    return {
      label,
      batch: batch(send),
      observe: async (): Promise<ContextSeen | undefined> => {
        producer.observing = true;
        await context.with(requestContext, () => send(records[0]));
        producer.observing = false;
        return producer.seen;
      },
    };
  };
  const withTraceHeadersFor = (record: ProducerRecord, active: Context): ProducerRecord => ({
    ...record,
    messages: record.messages.map((message) => ({ ...message, headers: withTraceHeaders(message.headers, active) })),
  });
  const spanByTraceOperation = (
    producer: ImmediateProducer,
    record: ProducerRecord,
    headers: (record: ProducerRecord, active: Context) => ProducerRecord,
  ): Promise<RecordMetadata[]> =>
    traceOperation(
      `kafka.produce.${record.topic}`,
      messagingAttributes(record),
      () => {
        const traced = headers(record, context.active());
        return context.with(suppressTracing(context.active()), () => producer.send(traced));
      },
      { kind: SpanKind.PRODUCER, operationType: 'send' },
    );
  const floorHeaders = (record: ProducerRecord, active: Context) =>
    handWrittenHeaders(record, active, baggageCorrelationId(active));
  return {
    'floor-base': diagnostic(
      'the floor, in the form the others change',
      (producer) => (record) => sendWithHandWrittenSpan(producer, record, handWrittenHeaders),
    ),
    'floor+proxy': diagnostic('the floor through a Proxy', (producer) => {
      const facade = proxied(producer, (record) => sendWithHandWrittenSpan(producer, record, handWrittenHeaders));
      return (record) => facade.send(record);
    }),
    'floor+withTraceHeaders': diagnostic(
      'the floor, headers by withTraceHeaders',
      (producer) => (record) => sendWithHandWrittenSpan(producer, record, withTraceHeadersFor),
    ),
    'floor+traceOperation': diagnostic(
      'the floor, span by traceOperation',
      (producer) => (record) => spanByTraceOperation(producer, record, floorHeaders),
    ),
    'floor+all': diagnostic(
      'the floor through a Proxy, span by traceOperation, headers by withTraceHeaders',
      (producer) => {
        const facade = proxied(producer, (record) => spanByTraceOperation(producer, record, withTraceHeadersFor));
        return (record) => facade.send(record);
      },
    ),
  };
}
