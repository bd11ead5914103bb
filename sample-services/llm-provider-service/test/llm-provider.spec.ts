import { hrTimeToNanoseconds } from '@opentelemetry/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import type { ClientKafka } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TracedClientKafka, createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import { AppModule } from '../src/app.module.js';
import { llmProviderMicroserviceOptions } from '../src/kafka/kafka.config.js';
import {
  JUDGEMENT_COMPLETED_TOPIC,
  JUDGEMENT_QUEUED_TOPIC,
  JUDGEMENT_REQUESTED_TOPIC,
} from '../src/judgement/judgement.types.js';
import type { Judgement, JudgementRequest } from '../src/judgement/judgement.types.js';

/** Starting or stopping the Kafka test broker, the Nest microservice and the requester (a consumer group): ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const REQUESTER = Symbol('REQUESTER');
const TOPICS = [
  JUDGEMENT_REQUESTED_TOPIC,
  `${JUDGEMENT_REQUESTED_TOPIC}.reply`,
  JUDGEMENT_QUEUED_TOPIC,
  JUDGEMENT_COMPLETED_TOPIC,
];

const LONGER: JudgementRequest = {
  pair_id: 'essay-1:essay-2',
  essay_a: { essay_id: 'essay-1', text: 'A short essay.' },
  essay_b: { essay_id: 'essay-2', text: 'A somewhat longer essay with more words in it.' },
};

/** The first message of `topic` with `key`, read from the beginning by a fresh consumer group. */
async function receive(kafka: Kafka, topic: string, key: string): Promise<KafkaMessage> {
  const consumer = kafka.consumer({ groupId: `llm-spec-${key}`, maxWaitTimeInMs: 100 });
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

describe('llm-provider-service on a Kafka broker', () => {
  const savedEnv = { brokers: process.env.KAFKA_BROKERS, delay: process.env.LLM_QUEUE_DELAY_MS };
  let broker: KafkaTestBroker;
  let moduleRef: TestingModule;
  let app: INestMicroservice;
  let requester: ClientKafka;
  let spans: TestSpans;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    process.env.LLM_QUEUE_DELAY_MS = '50';
    moduleRef = await Test.createTestingModule({
      imports: [
        AppModule,
        TracingTestingModule.forRoot({ serviceName: 'llm-provider-service' }),
        ClientsModule.registerAsync([
          {
            name: REQUESTER,
            useFactory: () => ({
              customClass: TracedClientKafka,
              options: {
                client: { clientId: 'llm-spec-requester', brokers: broker.brokers, logLevel: logLevel.NOTHING },
                consumer: {
                  groupId: 'llm-spec-requester',
                  sessionTimeout: 6000,
                  heartbeatInterval: 500,
                  maxWaitTimeInMs: 100,
                },
              },
            }),
          },
        ]),
      ],
    }).compile();
    app = moduleRef.createNestMicroservice({ ...llmProviderMicroserviceOptions(broker.brokers), logger: false });
    await app.listen();
    requester = moduleRef.get(REQUESTER);
    requester.subscribeToResponseOf(JUDGEMENT_REQUESTED_TOPIC);
    await requester.connect();
    spans = moduleRef.get(TestSpans);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await requester?.close();
    await app?.close();
    await moduleRef?.close();
    await broker?.stop();
    for (const [name, value] of [
      ['KAFKA_BROKERS', savedEnv.brokers],
      ['LLM_QUEUE_DELAY_MS', savedEnv.delay],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }, HOOK_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  it('answers llm.judgement.requested by request/reply: CLIENT -> CONSUMER -> llm.judgement, one trace', async () => {
    const judgement = await withCorrelationId('corr-llm-1', () =>
      traceOperation('requester.compare', () =>
        firstValueFrom(requester.send<Judgement>(JUDGEMENT_REQUESTED_TOPIC, LONGER)),
      ),
    );

    expect(judgement).toEqual({
      pair_id: 'essay-1:essay-2',
      winner_id: 'essay-2',
      loser_id: 'essay-1',
      reason: 'length',
      model: 'stand-in-length-v1',
    });
    await spans.waitFor((finished) => finished.some((span) => span.name === 'requester.compare'), 10_000);
    const request = spans.one(`kafka.request.${JUDGEMENT_REQUESTED_TOPIC}`);
    const consume = spans.one(`kafka.consume.${JUDGEMENT_REQUESTED_TOPIC}`);
    const judge = spans.one('llm.judgement');
    expect(request.kind).toBe(SpanKind.CLIENT);
    expect(request).toBeChildOf(spans.one('requester.compare'));
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume).toBeChildOf(request);
    expect(consume).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': JUDGEMENT_REQUESTED_TOPIC,
      'messaging.consumer.group.name': 'llm-provider-service-server',
      'llm.pair.id': 'essay-1:essay-2',
      correlation_id: 'corr-llm-1',
    });
    expect(judge).toBeChildOf(consume);
    expect(judge).toHaveAttributes({
      'llm.pair.id': 'essay-1:essay-2',
      'llm.model': 'stand-in-length-v1',
      'llm.judgement.winner_id': 'essay-2',
      'llm.judgement.reason': 'length',
      correlation_id: 'corr-llm-1',
    });
    const texts = spans.all().flatMap((span) => Object.values(span.attributes).map(String));
    expect(texts.some((value) => value.includes('longer essay'))).toBe(false);
    spans.assertLifecycle();
  }, 20_000);

  it('answers llm.judgement.queued later with llm.judgement.completed, continuing the requester trace', async () => {
    const queued: JudgementRequest = {
      pair_id: 'essay-3:essay-4',
      essay_a: { essay_id: 'essay-3', text: 'Four words are here.' },
      essay_b: { essay_id: 'essay-4', text: 'Four words are there.' },
    };
    await withCorrelationId('corr-llm-queued', () =>
      traceOperation('requester.queue', () => {
        const envelope = createEventEnvelope(JUDGEMENT_QUEUED_TOPIC, queued, { sourceService: 'llm-spec' });
        return lastValueFrom(requester.emit(JUDGEMENT_QUEUED_TOPIC, { key: queued.pair_id, value: envelope }), {
          defaultValue: undefined,
        });
      }),
    );

    await spans.waitFor((finished) => finished.some((span) => span.name === 'llm.callback.publish'), 15_000);
    const root = spans.one('requester.queue');
    const produceRequest = spans.one(`kafka.produce.${JUDGEMENT_QUEUED_TOPIC}`);
    const consume = spans.one(`kafka.consume.${JUDGEMENT_QUEUED_TOPIC}`);
    const enqueue = spans.one('llm.queue.enqueue');
    const callback = spans.one('llm.callback.publish');
    const produceAnswer = spans.one(`kafka.produce.${JUDGEMENT_COMPLETED_TOPIC}`);
    expect(produceRequest).toBeChildOf(root);
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume).toBeChildOf(produceRequest);
    expect(enqueue).toBeChildOf(consume);
    // the callback runs after the consumer span ended, in the context captured at receipt
    expect(callback).toBeChildOf(enqueue);
    expect(hrTimeToNanoseconds(callback.startTime)).toBeGreaterThanOrEqual(hrTimeToNanoseconds(consume.endTime));
    expect(spans.one('llm.judgement')).toBeChildOf(callback);
    expect(produceAnswer.kind).toBe(SpanKind.PRODUCER);
    expect(produceAnswer).toBeChildOf(callback);
    for (const span of [consume, enqueue, callback, produceAnswer]) {
      expect(span).toBeInSameTrace(root);
      expect(span).toHaveAttributes({ correlation_id: 'corr-llm-queued' });
    }
    expect(callback).toHaveAttributes({ 'llm.pair.id': queued.pair_id, 'llm.queue.delay_ms': 50 });

    const message = await receive(
      new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }),
      JUDGEMENT_COMPLETED_TOPIC,
      queued.pair_id,
    );
    const { traceId, spanId } = produceAnswer.spanContext();
    expect(message.headers?.traceparent?.toString()).toBe(`00-${traceId}-${spanId}-01`);
    expect(message.headers?.correlation_id?.toString()).toBe('corr-llm-queued');
    const envelope = JSON.parse(message.value?.toString() ?? 'null') as EventEnvelope<Judgement>;
    expect(envelope).toMatchObject({
      event_type: JUDGEMENT_COMPLETED_TOPIC,
      source_service: 'llm-provider-service',
      correlation_id: 'corr-llm-queued',
      data: { pair_id: queued.pair_id, reason: 'tiebreak', model: 'stand-in-length-v1' },
    });
    spans.assertLifecycle();
  }, 45_000); // two bounded waits of 15 s (the spans, then a fresh consumer group's message) and the group's join
});
