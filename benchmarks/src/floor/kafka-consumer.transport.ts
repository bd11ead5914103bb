import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, TextMapGetter } from '@opentelemetry/api';
import { configureKafkaTracing, traceKafkaHandler } from '@huleedu/nest-tracing-kafka';
import type { EachMessagePayload, IHeaders } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  baggageCorrelationId,
  endWithFailure,
  endWithSuccess,
  startWithAttributes,
  stockPropagator,
} from './floor-sdk.js';
import { seeContext } from './floor-transport.js';
import type { ContextSeen, FloorTransport } from './floor-transport.js';

export const TOPIC = 'essay.events';
export const GROUP_ID = 'floor-consumers';
export const CLIENT_ID = 'floor-service';
/** Distinct messages, cycled through: each carries its own trace context and correlation id. */
const MESSAGES = 4096;

/** kafkajs `eachMessage` payloads as the consumer hands them over: Buffers everywhere, headers included. */
function buildPayloads(): EachMessagePayload[] {
  const payloads: EachMessagePayload[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const correlationId = randomUUID();
    const headers: IHeaders = {
      traceparent: Buffer.from(`00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`),
      baggage: Buffer.from(`correlation_id=${correlationId}`),
      correlation_id: Buffer.from(correlationId),
    };
    const value = JSON.stringify({ event_type: 'essay.submitted', correlation_id: correlationId, data: { id: i } });
    payloads.push({
      topic: TOPIC,
      partition: 0,
      message: {
        key: Buffer.from(`essay-${i}`),
        value: Buffer.from(value),
        timestamp: String(1_765_000_000_000 + i),
        attributes: 0,
        offset: String(100_000 + i),
        headers,
      },
      heartbeat: () => Promise.resolve(),
      pause: () => () => undefined,
    });
  }
  return payloads;
}

/** A Kafka header's value as text: a string, a Buffer, or (a repeated header) the values joined. */
function headerText(headers: IHeaders, key: string): string | undefined {
  const value = headers[key];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item) => item.toString()).join(',');
  return value.toString();
}

/** Kafka headers as the propagators read them. */
const kafkaHeadersGetter: TextMapGetter<IHeaders> = { keys: (carrier) => Object.keys(carrier), get: headerText };

/** The producer's context from the headers, with the header's correlation id in baggage if it is not already. */
function extractProducerContext(headers: IHeaders): { parent: Context; correlationId: string | undefined } {
  let parent = stockPropagator.extract(ROOT_CONTEXT, headers, kafkaHeadersGetter);
  const correlationId = headerText(headers, 'correlation_id');
  if (correlationId !== undefined && baggageCorrelationId(parent) !== correlationId) {
    const baggage = propagation.getBaggage(parent) ?? propagation.createBaggage();
    parent = propagation.setBaggage(parent, baggage.setEntry('correlation_id', { value: correlationId }));
  }
  return { parent, correlationId };
}

/**
 * The hand-written `eachMessage` wrapper: extract, one CONSUMER span (child of and linked to the
 * producer, the messaging attributes, the correlation id), the handler run with it active, ended
 * when the handler's promise settles.
 */
function handWrittenConsumer(
  handler: (payload: EachMessagePayload) => Promise<void>,
): (payload: EachMessagePayload) => Promise<void> {
  return (payload) => {
    const { topic, partition, message } = payload;
    const { parent, correlationId } = extractProducerContext(message.headers ?? {});
    const producer = trace.getSpanContext(parent);
    const links = producer && trace.isSpanContextValid(producer) ? [{ context: producer }] : undefined;
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(partition),
      'messaging.kafka.offset': Number(message.offset),
      'messaging.consumer.group.name': GROUP_ID,
      'messaging.client.id': CLIENT_ID,
      'operation.type': 'process',
    };
    if (message.key !== null) attributes['messaging.kafka.message.key'] = message.key.toString();
    if (message.value === null) attributes['messaging.kafka.message.tombstone'] = true;
    if (correlationId !== undefined) attributes.correlation_id = correlationId;
    const span = startWithAttributes(`kafka.consume.${topic}`, SpanKind.CONSUMER, attributes, parent, links);
    let result: Promise<void>;
    try {
      result = context.with(trace.setSpan(parent, span), handler, undefined, payload);
    } catch (error) {
      endWithFailure(span, error);
      throw error;
    }
    return result.then(
      () => endWithSuccess(span),
      (error: unknown) => {
        endWithFailure(span, error);
        throw error;
      },
    );
  };
}

/** `traceKafkaHandler(eachMessage)` against the hand-written wrapper, over the same pre-built payloads. */
export function kafkaConsumerTransport(): FloorTransport {
  // the hand-written floor writes the default messaging names, whatever OTEL_SEMCONV_STABILITY_OPT_IN says
  configureKafkaTracing({ groupId: GROUP_ID, clientId: CLIENT_ID, semconv: { messaging: 'legacy' } });
  const payloads = buildPayloads();
  let handled = 0;
  let observing = false;
  let seen: ContextSeen | undefined;
  /** The bare handler: what a service's `eachMessage` would do before its business work. */
  const eachMessage = async function handleEssayEvent({ message }: EachMessagePayload): Promise<void> {
    if (observing) seen = seeContext();
    handled = (handled + (message.value?.length ?? 0)) | 0;
  };
  const handlers = {
    untraced: eachMessage,
    'hand-written': handWrittenConsumer(eachMessage),
    'nest-tracing': traceKafkaHandler(eachMessage),
  };
  let next = 0;
  const batch =
    (handler: (payload: EachMessagePayload) => Promise<void>) =>
    async (n: number): Promise<number> => {
      for (let i = 0; i < n; i++) {
        await handler(payloads[next]);
        next = (next + 1) % MESSAGES;
      }
      return handled;
    };
  return {
    id: 'kafka-consumer',
    label: 'Kafka CONSUMER span (eachMessage)',
    iterations: 500,
    warmupBatches: 200,
    spansPerOperation: 1,
    batches: {
      untraced: batch(handlers.untraced),
      'hand-written': batch(handlers['hand-written']),
      'nest-tracing': batch(handlers['nest-tracing']),
    },
    observe: async (variant) => {
      observing = true;
      await handlers[variant](payloads[0]);
      observing = false;
      return seen;
    },
  };
}
