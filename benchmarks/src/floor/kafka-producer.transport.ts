import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { configureKafkaTracing, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import type { ProducerLike } from '@huleedu/nest-tracing-kafka';
import type { Message, ProducerRecord, RecordMetadata } from 'kafkajs';
import { baggageCorrelationId, endWithFailure, endWithSuccess, startWithAttributes } from './floor-sdk.js';
import { seeContext } from './floor-transport.js';
import type { ContextSeen, FloorTransport } from './floor-transport.js';
import { CLIENT_ID, GROUP_ID, TOPIC } from './kafka-consumer.transport.js';

export const RECORDS = 4096;
const METADATA: RecordMetadata[] = [{ topicName: TOPIC, partition: 0, errorCode: 0, baseOffset: '0' }];

/** A kafkajs producer whose `send` is answered at once (no broker): what is left is the tracing around it. */
export class ImmediateProducer implements ProducerLike {
  sent = 0;
  observing = false;
  seen: ContextSeen | undefined;

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (this.observing) this.seen = seeContext(record.messages[0].headers as Record<string, string>);
    this.sent = (this.sent + record.messages.length) | 0;
    return Promise.resolve(METADATA);
  }

  sendBatch(): Promise<RecordMetadata[]> {
    return Promise.resolve(METADATA);
  }
}

/** One event per record, keyed by its essay, as a service publishes it. */
export function buildRecords(): ProducerRecord[] {
  const records: ProducerRecord[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const value = JSON.stringify({ event_type: 'essay.submitted', data: { id: i } });
    records.push({ topic: TOPIC, messages: [{ key: `essay-${i}`, value }] });
  }
  return records;
}

/**
 * The hand-written traced send: one PRODUCER span (the messaging attributes, the correlation id from
 * baggage), its context injected into every message's headers (the caller's own headers win), plus
 * `correlation_id`; the producer's send runs with the span active and tracing suppressed (so a
 * kafkajs instrumentation would add no second span), and the span ends when the send settles.
 */
function handWrittenSend(producer: ImmediateProducer, record: ProducerRecord): Promise<RecordMetadata[]> {
  const parent = context.active();
  const { topic, messages } = record;
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.destination.name': topic,
    'messaging.client.id': CLIENT_ID,
    'operation.type': 'send',
  };
  if (messages.length !== 1) attributes['messaging.batch.message_count'] = messages.length;
  const key = messages.length === 1 ? messages[0].key : undefined;
  if (key !== undefined && key !== null) attributes['messaging.kafka.message.key'] = key.toString();
  const correlationId = baggageCorrelationId(parent);
  if (correlationId !== undefined) attributes.correlation_id = correlationId;
  const span = startWithAttributes(`kafka.produce.${topic}`, SpanKind.PRODUCER, attributes, parent);
  const active = trace.setSpan(parent, span);
  const injected: Record<string, string> = {};
  propagation.inject(active, injected);
  if (correlationId !== undefined) injected.correlation_id = correlationId;
  const traced: ProducerRecord = {
    ...record,
    messages: messages.map((message: Message) => ({ ...message, headers: { ...injected, ...message.headers } })),
  };
  let result: Promise<RecordMetadata[]>;
  try {
    result = context.with(suppressTracing(active), () => producer.send(traced));
  } catch (error) {
    endWithFailure(span, error);
    throw error;
  }
  return result.then(
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

/** `traceKafkaProducer(producer).send()` against the hand-written send, each under the request's context. */
export function kafkaProducerTransport(requestContext: Context): FloorTransport {
  // the hand-written floor writes the default messaging names, whatever OTEL_SEMCONV_STABILITY_OPT_IN says
  configureKafkaTracing({ groupId: GROUP_ID, clientId: CLIENT_ID, semconv: { messaging: 'legacy' } });
  const records = buildRecords();
  const plain = new ImmediateProducer();
  const hand = new ImmediateProducer();
  const ours = new ImmediateProducer();
  const traced = traceKafkaProducer(ours);
  const sends = {
    untraced: (record: ProducerRecord) => plain.send(record),
    'hand-written': (record: ProducerRecord) => handWrittenSend(hand, record),
    'nest-tracing': (record: ProducerRecord) => traced.send(record),
  };
  let next = 0;
  const batch = (send: (record: ProducerRecord) => Promise<RecordMetadata[]>) => {
    const loop = async (n: number): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        sum = (sum + (await send(records[next])).length) | 0;
        next = (next + 1) % RECORDS;
      }
      return sum;
    };
    return (n: number) => context.with(requestContext, loop, undefined, n);
  };
  return {
    id: 'kafka-producer',
    label: 'Kafka PRODUCER span (send)',
    iterations: 500,
    warmupBatches: 200,
    spansPerOperation: 1,
    batches: {
      untraced: batch(sends.untraced),
      'hand-written': batch(sends['hand-written']),
      'nest-tracing': batch(sends['nest-tracing']),
    },
    diagnostics: async () =>
      (await import('./kafka-producer.diagnostics.js')).producerDiagnostics(requestContext, records, batch),
    observe: async (variant) => {
      const producer = variant === 'nest-tracing' ? ours : hand;
      producer.observing = true;
      await context.with(requestContext, () => sends[variant](records[0]));
      producer.observing = false;
      return producer.seen;
    },
  };
}
