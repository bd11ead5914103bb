import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { EachMessagePayload, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DURATION_BUCKETS_SECONDS } from '@huleedu/nest-tracing';
import { TestMetrics, TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { traceKafkaHandler, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';

/** Starting and stopping the broker and the Nest module on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 60_000;

class EssayRejected extends Error {}

describe('messaging duration metrics with kafkajs, on a Kafka-protocol broker (metrics: true)', () => {
  const topic = `metrics.essays.${randomUUID().slice(0, 8)}`;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let moduleRef: TestingModule;
  let spans: TestSpans;
  let testMetrics: TestMetrics;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: [topic] });
    kafka = new Kafka({ clientId: 'metrics-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'kafka-metrics-spec', metrics: true })],
    }).compile();
    spans = moduleRef.get(TestSpans);
    testMetrics = moduleRef.get(TestMetrics);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await producer?.disconnect();
    await moduleRef?.close();
    await broker?.stop();
  }, HOOK_TIMEOUT_MS);

  it('records messaging.client.operation.duration per send and messaging.process.duration per message, never a payload value', async () => {
    const traced = traceKafkaProducer(producer, { clientId: 'metrics-spec' });
    for (const id of ['essay-1', 'essay-2', 'essay-bad']) {
      await traced.send({ topic, messages: [{ key: id, value: JSON.stringify({ id }) }] });
    }

    const consumer = kafka.consumer({ groupId: 'essay-graders', sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let handled = 0;
    const handler = traceKafkaHandler(
      async ({ message }: EachMessagePayload) => {
        const { id } = JSON.parse(message.value!.toString()) as { id: string };
        if (id === 'essay-bad') throw new EssayRejected(`essay ${id} rejected`);
        return id;
      },
      { groupId: 'essay-graders', attributes: (payload: { id?: string }) => ({ 'essay.id': payload?.id }) },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`three messages on ${topic} not consumed in 15 s`)), 15_000);
        void consumer
          .run({
            eachMessage: async (payload) => {
              await handler(payload).catch(() => undefined);
              if (++handled === 3) {
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
    await spans.waitFor((all) => all.filter((span) => span.name === `kafka.consume.${topic}`).length === 3);

    const process = await testMetrics.histogram('messaging.process.duration');
    const consumed = {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.consumer.group.name': 'essay-graders',
    };
    expect(process).toHaveDataPoint(consumed, 2);
    expect(process).toHaveDataPoint({ ...consumed, 'error.type': 'EssayRejected' }, 1);
    expect(process).toHaveOnlyAttributeKeys([...Object.keys(consumed), 'error.type']);
    expect(process[0]).toMatchObject({
      unit: 's',
      scope: '@huleedu/nest-tracing-kafka',
      boundaries: DURATION_BUCKETS_SECONDS,
    });

    const sends = await testMetrics.histogram('messaging.client.operation.duration');
    expect(sends).toHaveDataPoint(
      { 'messaging.system': 'kafka', 'messaging.operation.name': 'send', 'messaging.destination.name': topic },
      3,
    );
    expect(sends).toHaveOnlyAttributeKeys([
      'messaging.system',
      'messaging.operation.name',
      'messaging.destination.name',
    ]);
    // a send is a messaging operation, not one of the @Traced operations
    expect(await testMetrics.histogram('nest_tracing.operation.duration')).toEqual([]);

    const values = [...process, ...sends].flatMap((point) => Object.values(point.attributes));
    for (const value of ['essay-1', 'essay-2', 'essay-bad']) expect(values).not.toContain(value);
    // the payload attribute is on the span, where it was asked for
    expect(spans.find({ attributes: { 'essay.id': 'essay-1' } })).toHaveLength(1);
  });
});
