import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { startKafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import { EssayEventsModule } from './essay-events.module.js';
import { EssayEventsPublisher } from './essay-events.publisher.js';
import type { EssayEventsProducer } from './essay-events.publisher.js';
import { ESSAY_UPLOADED_TOPIC } from './essay-uploaded.event.js';
import type { EssayUploadedData } from './essay-uploaded.event.js';

const ESSAY: EssayUploadedData = {
  essay_id: 'content-essay-1',
  file_id: 'file-1',
  content_id: 'content-essay-1',
  content_type: 'text/plain',
  text: 'We read books.',
};
/** Starting or stopping the Kafka test broker and the module's producer: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

/** The first message of `topic` (from the beginning) with `key`, through a fresh consumer group. */
async function receive(kafka: Kafka, topic: string, key: string): Promise<KafkaMessage> {
  const consumer = kafka.consumer({ groupId: `file-service-spec-${key}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message with key ${key} on ${topic}`)), 15_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() !== key) return;
            clearTimeout(timer);
            resolve(message);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/** A port on 127.0.0.1 where no broker answers: every connection is closed at once, and counted. */
async function brokerThatHangsUp(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('EssayEventsPublisher', () => {
  describe('on a Kafka broker', () => {
    const savedBrokers = process.env.KAFKA_BROKERS;
    let broker: KafkaTestBroker;
    let moduleRef: TestingModule;
    let spans: TestSpans;

    beforeAll(async () => {
      broker = await startKafkaTestBroker({ topics: [ESSAY_UPLOADED_TOPIC] });
      process.env.KAFKA_BROKERS = broker.brokers.join(',');
      moduleRef = await Test.createTestingModule({
        imports: [TracingTestingModule.forRoot({ serviceName: 'file-service' }), EssayEventsModule],
      }).compile();
      await moduleRef.init();
      spans = moduleRef.get(TestSpans);
    }, HOOK_TIMEOUT_MS);

    afterAll(async () => {
      await moduleRef?.close();
      await broker?.stop();
      if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
      else process.env.KAFKA_BROKERS = savedBrokers;
    }, HOOK_TIMEOUT_MS);

    it('publishes essay.uploaded as an envelope keyed by the essay id, in a PRODUCER span whose context the headers carry', async () => {
      const publisher = moduleRef.get(EssayEventsPublisher);

      const published = await withCorrelationId('corr-file-kafka-1', () =>
        traceOperation('file.upload', () => publisher.publishEssayUploaded(ESSAY)),
      );

      expect(published).toBe(true);
      const produce = spans.one('kafka.produce.essay.uploaded');
      expect(produce.kind).toBe(SpanKind.PRODUCER);
      expect(produce).toBeChildOf(spans.one('file.upload'));
      expect(produce).toHaveAttributes({
        'messaging.system': 'kafka',
        'messaging.destination.name': ESSAY_UPLOADED_TOPIC,
        'messaging.kafka.message.key': ESSAY.essay_id,
        'messaging.client.id': 'file-service',
        correlation_id: 'corr-file-kafka-1',
      });
      const message = await receive(
        new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }),
        ESSAY_UPLOADED_TOPIC,
        ESSAY.essay_id,
      );
      const { traceId, spanId } = produce.spanContext();
      expect(message.headers?.traceparent?.toString()).toBe(`00-${traceId}-${spanId}-01`);
      expect(message.headers?.correlation_id?.toString()).toBe('corr-file-kafka-1');
      const envelope = JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>;
      expect(envelope).toMatchObject({
        event_type: ESSAY_UPLOADED_TOPIC,
        source_service: 'file-service',
        correlation_id: 'corr-file-kafka-1',
        data: ESSAY,
        metadata: { traceparent: expect.stringContaining(traceId), correlation_id: 'corr-file-kafka-1' },
      });
      spans.assertLifecycle();
    }, 30_000);
  });

  describe('without Kafka, or when publishing fails', () => {
    it('does nothing when no producer is configured', async () => {
      await expect(new EssayEventsPublisher(null).publishEssayUploaded(ESSAY)).resolves.toBe(false);
    });

    it('resolves false after one connection attempt and two quick retries when no broker answers', async () => {
      const savedBrokers = process.env.KAFKA_BROKERS;
      const noBroker = await brokerThatHangsUp();
      process.env.KAFKA_BROKERS = `127.0.0.1:${noBroker.port}`;
      const moduleRef = await Test.createTestingModule({
        imports: [TracingTestingModule.forRoot({ serviceName: 'file-service' }), EssayEventsModule],
      }).compile();
      try {
        const spans = moduleRef.get(TestSpans);
        const publisher = moduleRef.get(EssayEventsPublisher);

        await expect(publisher.publishEssayUploaded(ESSAY)).resolves.toBe(false);

        // the producer's fail-fast budget, counted rather than timed so a slow machine cannot fail it: at most
        // three attempts (one the server had no turn to see yet may be missing); kafkajs's defaults make six
        expect(noBroker.connections()).toBeGreaterThanOrEqual(1);
        expect(noBroker.connections()).toBeLessThanOrEqual(3);
        expect(spans).toHaveSpanCount(0, 'kafka.produce.essay.uploaded');
      } finally {
        await moduleRef.close();
        await noBroker.close();
        if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
        else process.env.KAFKA_BROKERS = savedBrokers;
      }
    }, 20_000);

    it('resolves false instead of failing when the broker refuses the message', async () => {
      const producer: EssayEventsProducer = {
        connect: async () => undefined,
        disconnect: async () => undefined,
        send: async () => {
          throw new Error('broker unavailable');
        },
      };

      await expect(new EssayEventsPublisher(producer).publishEssayUploaded(ESSAY)).resolves.toBe(false);
    });
  });
});
