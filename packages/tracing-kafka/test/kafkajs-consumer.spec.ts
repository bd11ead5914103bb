import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind, TraceFlags, context, trace } from '@opentelemetry/api';
import { KafkaRetriableException } from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, EachBatchPayload, EachMessagePayload, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { correlationId, injectTraceContext, traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { createEventEnvelope, traceKafkaHandler, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';

/** Starting and stopping brokers, transports and Nest apps on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 60_000;

const TOPICS = [
  'spec.plain',
  'spec.link',
  'spec.envelope',
  'spec.malformed',
  'spec.batch',
  'spec.failing',
  'spec.retriable',
  'spec.disabled',
  'spec.sampled-out',
];

/** Run a consumer of `topic` until `count` messages went through `handler`; resolves with its results. */
async function consume<R>(
  kafka: Kafka,
  topic: string,
  count: number,
  handler: (payload: EachMessagePayload) => Promise<R>,
): Promise<R[]> {
  const consumer = kafka.consumer({ groupId: `spec-${randomUUID()}`, sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const results: R[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${count} messages on ${topic} in 15 s`)), 15_000);
      void consumer
        .run({
          eachMessage: async (payload) => {
            try {
              results.push(await handler(payload));
            } catch (error) {
              results.push(error as R);
            }
            if (results.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return results;
}

describe('traceKafkaHandler and traceKafkaProducer with kafkajs, on a Kafka-protocol broker', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let moduleRef: TestingModule;
  let spans: TestSpans;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    kafka = new Kafka({ clientId: 'kafkajs-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'kafka-spec' })],
    }).compile();
    spans = moduleRef.get(TestSpans);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await producer?.disconnect();
    await moduleRef?.close();
    await broker?.stop();
  }, HOOK_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  it('continues the producer trace: CONSUMER child of the PRODUCER span, linked to it, with messaging attributes', async () => {
    const traced = traceKafkaProducer(producer, { clientId: 'kafkajs-spec' });
    const callerHeaders = { 'x-tenant': 'school-1' };
    await withCorrelationId('corr-plain', () =>
      traced.send({ topic: 'spec.plain', messages: [{ key: 'essay-1', value: '{"n":1}', headers: callerHeaders }] }),
    );
    expect(callerHeaders).toEqual({ 'x-tenant': 'school-1' });

    const results = await consume(
      kafka,
      'spec.plain',
      1,
      traceKafkaHandler(
        async ({ message }: EachMessagePayload) => {
          traceOperation('essay.handle', () => undefined);
          return message.headers?.['x-tenant']?.toString();
        },
        { groupId: 'essay-consumers' },
      ),
    );
    expect(results).toEqual(['school-1']);

    const producerSpan = spans.one('kafka.produce.spec.plain');
    const consumerSpan = spans.one('kafka.consume.spec.plain');
    expect(producerSpan.kind).toBe(SpanKind.PRODUCER);
    expect(consumerSpan.kind).toBe(SpanKind.CONSUMER);
    expect(consumerSpan).toBeChildOf(producerSpan);
    expect(consumerSpan.links.map((link) => link.context.spanId)).toEqual([producerSpan.spanContext().spanId]);
    expect(producerSpan).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'spec.plain',
      'messaging.kafka.message.key': 'essay-1',
      'messaging.client.id': 'kafkajs-spec',
      correlation_id: 'corr-plain',
    });
    expect(consumerSpan).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'spec.plain',
      'messaging.destination.partition.id': '0',
      'messaging.kafka.message.key': 'essay-1',
      'messaging.consumer.group.name': 'essay-consumers',
      correlation_id: 'corr-plain',
      'operation.result': 'success',
    });
    expect(typeof consumerSpan.attributes['messaging.kafka.offset']).toBe('number');
    expect(spans.one('essay.handle')).toBeChildOf(consumerSpan);
    spans.assertLifecycle();
  });

  it('with producerContext "link", starts a new trace that links to the producer', async () => {
    await traceKafkaProducer(producer).send({ topic: 'spec.link', messages: [{ value: 'x' }] });
    await consume(
      kafka,
      'spec.link',
      1,
      traceKafkaHandler(async () => 'ok', { producerContext: 'link' }),
    );
    const producerSpan = spans.one('kafka.produce.spec.link');
    const consumerSpan = spans.one('kafka.consume.spec.link');
    expect(consumerSpan.spanContext().traceId).not.toBe(producerSpan.spanContext().traceId);
    expect(consumerSpan.links.map((link) => link.context.spanId)).toEqual([producerSpan.spanContext().spanId]);
  });

  it('reads the trace context from the envelope metadata when no header carries it', async () => {
    let envelope: ReturnType<typeof createEventEnvelope> | undefined;
    await withCorrelationId('corr-envelope', async () =>
      traceOperation('essay.upload', async () => {
        envelope = createEventEnvelope('essay.uploaded', { essayId: 'e-7' }, { sourceService: 'file-service' });
        // a plain producer: only the payload carries the context
        await producer.send({ topic: 'spec.envelope', messages: [{ value: JSON.stringify(envelope) }] });
      }),
    );
    expect(envelope?.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(envelope).toMatchObject({
      event_type: 'essay.uploaded',
      correlation_id: 'corr-envelope',
      data: { essayId: 'e-7' },
    });

    await consume(
      kafka,
      'spec.envelope',
      1,
      traceKafkaHandler(async () => 'ok', {
        name: 'kafka.consume.upload',
        attributes: (event: { data: { essayId: string } }) => ({ essay_id: event.data.essayId }),
      }),
    );
    const consumerSpan = spans.one('kafka.consume.upload');
    expect(consumerSpan).toBeChildOf(spans.one('essay.upload'));
    expect(consumerSpan).toHaveAttributes({ correlation_id: 'corr-envelope', essay_id: 'e-7' });
  });

  it('starts a new trace, with no error, for malformed or odd headers; a throwing extractor changes nothing', async () => {
    const odd = [
      { traceparent: 'not-a-traceparent' },
      { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' },
      { TRACEPARENT: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01') },
      {
        traceparent: [
          '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          '00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01',
        ],
      },
      {},
    ];
    await producer.send({
      topic: 'spec.malformed',
      messages: odd.map((headers, index) => ({ key: `m-${index}`, value: 'not json {', headers })),
    });
    const results = await consume(
      kafka,
      'spec.malformed',
      odd.length,
      traceKafkaHandler(async ({ message }: EachMessagePayload) => message.key?.toString(), {
        attributes: () => {
          throw new Error('extractor broke');
        },
      }),
    );
    expect(results).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    const consumed = spans.byName('kafka.consume.spec.malformed');
    expect(consumed).toHaveLength(odd.length);
    for (const span of consumed) {
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.links).toEqual([]);
      expect(span).toHaveAttributes({ 'operation.result': 'success' });
    }
  });

  it('records a failing handler once and rethrows the same error', async () => {
    await traceKafkaProducer(producer).send({ topic: 'spec.failing', messages: [{ value: 'x' }] });
    const failure = new RangeError('essay too long');
    const [result] = await consume(
      kafka,
      'spec.failing',
      1,
      traceKafkaHandler(async () => {
        throw failure;
      }),
    );
    expect(result).toBe(failure);
    const consumerSpan = spans.one('kafka.consume.spec.failing');
    expect(consumerSpan).toHaveStatus('error');
    expect(consumerSpan).toHaveAttributes({ 'error.type': 'RangeError', 'operation.result': 'error' });
    expect(consumerSpan.events.filter((event) => event.name === 'exception')).toHaveLength(1);
  });

  it('marks a KafkaRetriableException as retriable', async () => {
    await producer.send({ topic: 'spec.retriable', messages: [{ value: 'x' }] });
    const [result] = await consume(
      kafka,
      'spec.retriable',
      1,
      traceKafkaHandler(async () => {
        throw new KafkaRetriableException('essay store unavailable');
      }),
    );
    expect(result).toBeInstanceOf(KafkaRetriableException);
    expect(spans.one('kafka.consume.spec.retriable')).toHaveAttributes({
      'messaging.kafka.retriable': true,
      'error.type': 'KafkaRetriableException',
    });
  });

  it('under a sampled-out producer makes no span, and the handler continues the sampled-out trace', async () => {
    const sampledOut = trace.setSpanContext(context.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    await context.with(sampledOut, () =>
      withCorrelationId('corr-sampled-out', () =>
        traceKafkaProducer(producer).send({ topic: 'spec.sampled-out', messages: [{ value: '{"n":1}' }] }),
      ),
    );
    const [seen] = await consume(
      kafka,
      'spec.sampled-out',
      1,
      traceKafkaHandler(async ({ message }: EachMessagePayload) => ({
        traceparent: message.headers?.traceparent?.toString(),
        active: trace.getSpanContext(context.active()),
        correlationId: correlationId(),
        downstream: injectTraceContext({}),
      })),
    );
    expect(seen.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    expect(seen.active).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', traceFlags: TraceFlags.NONE });
    expect(seen.correlationId).toBe('corr-sampled-out');
    expect(seen.downstream).toMatchObject({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
      correlation_id: 'corr-sampled-out',
    });
    expect(spans.all()).toEqual([]);
  });

  it('makes no span and writes no header for a disabled topic', async () => {
    const options = { disabledTopics: ['spec.disabled'] };
    await traceOperation('essay.publish', () =>
      traceKafkaProducer(producer, options).send({ topic: 'spec.disabled', messages: [{ value: 'x' }] }),
    );
    const [headers] = await consume(
      kafka,
      'spec.disabled',
      1,
      traceKafkaHandler(async ({ message }: EachMessagePayload) => Object.keys(message.headers ?? {}), options),
    );
    expect(headers).toEqual([]);
    expect(spans.all().map((span) => span.name)).toEqual(['essay.publish']);
  });

  it('gives a batch one CONSUMER span with the message count and one link per traced message', async () => {
    const traced = traceKafkaProducer(producer);
    for (let index = 0; index < 3; index++) {
      await traced.send({ topic: 'spec.batch', messages: [{ key: `b-${index}`, value: `${index}` }] });
    }
    await producer.send({ topic: 'spec.batch', messages: [{ key: 'b-untraced', value: 'u' }] });
    const consumer: Consumer = kafka.consumer({ groupId: `spec-${randomUUID()}`, sessionTimeout: 6000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'spec.batch', fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no batch in 15 s')), 15_000);
      void consumer
        .run({
          eachBatch: traceKafkaHandler(async ({ batch }: EachBatchPayload) => {
            seen += batch.messages.length;
            if (seen >= 4) {
              clearTimeout(timer);
              resolve();
            }
          }),
        })
        .catch(reject);
    });
    await consumer.disconnect();
    const batchSpans = spans.byName('kafka.consume.spec.batch');
    const counted = batchSpans.reduce((sum, span) => sum + Number(span.attributes['messaging.batch.message_count']), 0);
    expect(counted).toBe(4);
    const linked = batchSpans.flatMap((span) => span.links.map((link) => link.context.spanId));
    const producerIds = spans.byName('kafka.produce.spec.batch').map((span) => span.spanContext().spanId);
    expect(linked.sort()).toEqual(producerIds.sort());
    expect(trace.getSpan(context.active())).toBeUndefined();
  });
});
