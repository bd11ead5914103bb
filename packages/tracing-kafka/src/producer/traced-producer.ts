import type { Attributes } from '@opentelemetry/api';
import { MessagingAttributes } from '../messaging-attributes.js';
import { resolveKafkaOptions } from '../kafka-tracing.options.js';
import type { KafkaTracingOptions } from '../kafka-tracing.options.js';
import { mergeTraceHeaders, traceHeaderFields } from './inject-headers.js';
import type { KafkaHeaders } from './inject-headers.js';
import { produceAttributes, produceSpanName, runProducerSend } from './producer-span.js';

/** The parts of a kafkajs `Message` this uses. */
interface MessageLike {
  key?: Buffer | string | null;
  headers?: KafkaHeaders;
}

/** The parts of a kafkajs `ProducerRecord`. */
interface ProducerRecordLike<M extends MessageLike = MessageLike> {
  topic: string;
  messages: M[];
}

/** The parts of a kafkajs `Producer` this wraps; everything else is passed through unchanged. */
export interface ProducerLike {
  send(record: ProducerRecordLike<any>): Promise<any>;
  sendBatch(batch: { topicMessages?: ProducerRecordLike<any>[] }): Promise<any>;
}

/** The message key as text, for a single-message send when keys are captured. */
function keyOf(messages: MessageLike[], capture: boolean): string | undefined {
  if (!capture || messages.length !== 1) return undefined;
  const key = messages[0]?.key;
  if (key === undefined || key === null) return undefined;
  return typeof key === 'string' ? key : key.toString('utf8');
}

/**
 * A kafkajs producer whose `send` and `sendBatch` make a PRODUCER span (`kafka.produce.{topic}`, or
 * `send {topic}` with semconv names) and give every message `traceparent`, `tracestate`, `baggage`
 * and `correlation_id` headers from that span. The caller's records and header objects are never
 * changed; a header the caller set is never replaced; disabled topics pass straight through.
 * Every other method is the producer's own.
 * @example `const producer = traceKafkaProducer(kafka.producer(), { clientId: 'file-service' })`
 */
export function traceKafkaProducer<P extends ProducerLike>(producer: P, options?: KafkaTracingOptions): P {
  const resolve = resolveKafkaOptions(options, 'traceKafkaProducer');
  // the trace headers are the same for every message of a send (one span): made once per record
  const tracedRecord = <R extends ProducerRecordLike>(record: R, fields: Record<string, string>): R => ({
    ...record,
    messages: record.messages.map((message) => ({ ...message, headers: mergeTraceHeaders(message.headers, fields) })),
  });
  const send = (record: ProducerRecordLike): Promise<unknown> => {
    const current = resolve();
    if (current.disabledTopics.has(record.topic)) return producer.send(record);
    const attributes = (): Attributes => {
      const extra: Attributes = {};
      if (current.clientId !== undefined) extra[MessagingAttributes.CLIENT_ID] = current.clientId;
      const key = keyOf(record.messages, current.captureMessageKey);
      if (key !== undefined) extra[MessagingAttributes.KAFKA_MESSAGE_KEY] = key;
      // legacy names in, the semconv mode's names out
      return produceAttributes('kafka', record.topic, record.messages.length, extra);
    };
    return runProducerSend(produceSpanName(current.spanNames, 'kafka', record.topic), attributes, (headers) =>
      producer.send(tracedRecord(record, traceHeaderFields(headers))),
    );
  };
  const sendBatch = (batch: { topicMessages?: ProducerRecordLike[] }): Promise<unknown> => {
    const current = resolve();
    const topicMessages = batch.topicMessages ?? [];
    const traced = topicMessages.filter((record) => !current.disabledTopics.has(record.topic));
    if (traced.length === 0) return producer.sendBatch(batch);
    const topics = [...new Set(traced.map((record) => record.topic))];
    const destination = topics.length === 1 ? topics[0] : 'batch';
    const count = traced.reduce((sum, record) => sum + record.messages.length, 0);
    const attributes = (): Attributes => {
      const extra: Attributes = {};
      if (current.clientId !== undefined) extra[MessagingAttributes.CLIENT_ID] = current.clientId;
      return produceAttributes('kafka', destination, count, extra);
    };
    return runProducerSend(produceSpanName(current.spanNames, 'kafka', destination), attributes, (headers) => {
      const fields = traceHeaderFields(headers);
      const tracedBatch = {
        ...batch,
        topicMessages: topicMessages.map((record) =>
          current.disabledTopics.has(record.topic) ? record : tracedRecord(record, fields),
        ),
      };
      return producer.sendBatch(tracedBatch);
    });
  };
  return new Proxy(producer, {
    get(target, property, receiver) {
      if (property === 'send') return send;
      if (property === 'sendBatch') return sendBatch;
      return Reflect.get(target, property, receiver);
    },
  });
}
