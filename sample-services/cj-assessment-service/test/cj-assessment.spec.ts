import { hrTimeToNanoseconds } from '@opentelemetry/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import type { ClientKafka } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TracedClientKafka, createEventEnvelope, traceKafkaHandler } from '@huleedu/nest-tracing-kafka';
import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
// The partner service of the round trip, booted in-process as it runs in the platform.
import { AppModule as LlmProviderAppModule } from '../../llm-provider-service/src/app.module.js';
import { llmProviderMicroserviceOptions } from '../../llm-provider-service/src/kafka/kafka.config.js';
import { AppModule } from '../src/app.module.js';
import { ASSESSMENT_COMPLETED_TOPIC, ASSESSMENT_REQUESTED_TOPIC } from '../src/assessment/assessment.events.js';
import type { AssessmentCompletedData, AssessmentRequestedData } from '../src/assessment/assessment.events.js';
import { cjAssessmentMicroserviceOptions } from '../src/kafka/kafka.config.js';
import { JUDGEMENT_REQUESTED_TOPIC } from '../src/llm/judgement.contract.js';
import type { Judgement, JudgementRequest } from '../src/llm/judgement.contract.js';

/** Starting or stopping the Kafka test broker, both Nest microservices, the requester and two consumer groups: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const REQUESTER = Symbol('REQUESTER');
const QUEUED_TOPIC = 'llm.judgement.queued';
const CALLBACK_TOPIC = 'llm.judgement.completed';
const TOPICS = [
  ASSESSMENT_REQUESTED_TOPIC,
  ASSESSMENT_COMPLETED_TOPIC,
  JUDGEMENT_REQUESTED_TOPIC,
  `${JUDGEMENT_REQUESTED_TOPIC}.reply`,
  QUEUED_TOPIC,
  CALLBACK_TOPIC,
];

const REQUEST: AssessmentRequestedData = {
  batch_id: 'batch-1',
  essay_id: 'essay-b',
  text: 'A middling essay of six words.',
  comparison_essays: [
    { essay_id: 'essay-a', text: 'Short one.' },
    { essay_id: 'essay-b', text: 'A middling essay of six words.' },
    { essay_id: 'essay-c', text: 'The longest essay of the three, with eleven words in all.' },
  ],
};

/** A kafkajs consumer (fresh group) whose traced `eachMessage` hands every envelope of `topic` to `onEnvelope`. */
async function tracedConsumer(
  kafka: Kafka,
  topic: string,
  onEnvelope: (envelope: EventEnvelope<any>) => void,
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: `cj-spec-${topic}`,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: traceKafkaHandler(
      async ({ message }: EachMessagePayload) => onEnvelope(JSON.parse(message.value?.toString() ?? 'null')),
      { name: `requester.receive.{topic}` },
    ),
  });
  return consumer;
}

describe('cj-assessment-service with the llm-provider-service, on a Kafka broker', () => {
  const savedEnv = { brokers: process.env.KAFKA_BROKERS, delay: process.env.LLM_QUEUE_DELAY_MS };
  let broker: KafkaTestBroker;
  let cjModule: TestingModule;
  let llmModule: TestingModule;
  let cj: INestMicroservice;
  let llm: INestMicroservice;
  let requester: ClientKafka;
  let spans: TestSpans;
  const received = new Map<string, EventEnvelope<any>[]>();
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    process.env.LLM_QUEUE_DELAY_MS = '50';
    llmModule = await Test.createTestingModule({
      imports: [LlmProviderAppModule, TracingTestingModule.forRoot({ serviceName: 'llm-provider-service' })],
    }).compile();
    cjModule = await Test.createTestingModule({
      imports: [
        AppModule,
        TracingTestingModule.forRoot({ serviceName: 'cj-assessment-service' }),
        ClientsModule.registerAsync([
          {
            name: REQUESTER,
            useFactory: () => ({
              customClass: TracedClientKafka,
              options: {
                client: { clientId: 'cj-spec-requester', brokers: broker.brokers, logLevel: logLevel.NOTHING },
                producerOnlyMode: true,
              },
            }),
          },
        ]),
      ],
    }).compile();
    llm = llmModule.createNestMicroservice({ ...llmProviderMicroserviceOptions(broker.brokers), logger: false });
    cj = cjModule.createNestMicroservice({ ...cjAssessmentMicroserviceOptions(broker.brokers), logger: false });
    await Promise.all([llm.listen(), cj.listen()]);
    requester = cjModule.get(REQUESTER);
    const kafka = new Kafka({ clientId: 'cj-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    for (const topic of [ASSESSMENT_COMPLETED_TOPIC, CALLBACK_TOPIC]) {
      received.set(topic, []);
      consumers.push(await tracedConsumer(kafka, topic, (envelope) => received.get(topic)!.push(envelope)));
    }
    spans = cjModule.get(TestSpans);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await requester?.close();
    await cj?.close();
    await llm?.close();
    await cjModule?.close();
    await llmModule?.close();
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

  /** Until a span of each name has ended (the services end theirs after the reply went out). */
  const waitForSpans = (names: string[]) =>
    spans.waitFor((finished) => names.every((name) => finished.some((span) => span.name === name)), 15_000);

  it('assesses an essay: one trace from the request through every pair compared by the LLM provider to the result', async () => {
    await withCorrelationId('corr-cj-1', () =>
      traceOperation('orchestrator.fan_out', () => {
        const envelope = createEventEnvelope(ASSESSMENT_REQUESTED_TOPIC, REQUEST, { sourceService: 'cj-spec' });
        return lastValueFrom(requester.emit(ASSESSMENT_REQUESTED_TOPIC, { key: REQUEST.essay_id, value: envelope }), {
          defaultValue: undefined,
        });
      }),
    );
    // the requester can receive the result before the services' own spans have ended
    await waitForSpans([
      `requester.receive.${ASSESSMENT_COMPLETED_TOPIC}`,
      `kafka.consume.${ASSESSMENT_REQUESTED_TOPIC}`,
      'cj.assessment.run',
    ]);

    const root = spans.one('orchestrator.fan_out');
    const consume = spans.one(`kafka.consume.${ASSESSMENT_REQUESTED_TOPIC}`);
    const run = spans.one('cj.assessment.run');
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume).toBeChildOf(spans.one(`kafka.produce.${ASSESSMENT_REQUESTED_TOPIC}`));
    expect(consume).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.destination.name': ASSESSMENT_REQUESTED_TOPIC,
      'messaging.consumer.group.name': 'cj-assessment-service-server',
      'batch.id': 'batch-1',
      'essay.id': 'essay-b',
      correlation_id: 'corr-cj-1',
    });
    expect(run).toBeChildOf(consume);
    expect(run).toHaveAttributes({ 'cj.pair_count': 2, 'cj.wins': 1, 'cj.score': 0.5, 'batch.id': 'batch-1' });

    const compares = spans.byName('cj.pair.compare');
    expect(compares.map((span) => span.attributes['cj.pair.id']).sort()).toEqual([
      'essay-b:essay-a',
      'essay-b:essay-c',
    ]);
    for (const compare of compares) {
      expect(compare).toBeChildOf(run);
      // the llm-provider breaker -> CLIENT span in cj -> CONSUMER span in llm -> llm.judgement, all in the request's trace
      const [breaker] = spans.childrenOf(compare);
      expect(breaker.name).toBe('resilience.llm-provider');
      expect(breaker).toHaveAttributes({ 'resilience.circuit.state': 'closed', 'resilience.outcome': 'success' });
      const [request] = spans.childrenOf(breaker);
      expect(request.name).toBe(`kafka.request.${JUDGEMENT_REQUESTED_TOPIC}`);
      expect(request.kind).toBe(SpanKind.CLIENT);
      const [llmConsume] = spans.childrenOf(request);
      expect(llmConsume.kind).toBe(SpanKind.CONSUMER);
      expect(llmConsume).toHaveAttributes({
        'messaging.destination.name': JUDGEMENT_REQUESTED_TOPIC,
        'messaging.consumer.group.name': 'llm-provider-service-server',
        'llm.pair.id': compare.attributes['cj.pair.id'],
        correlation_id: 'corr-cj-1',
      });
      expect(spans.childrenOf(llmConsume).map((span) => span.name)).toEqual(['llm.judgement']);
      expect(request).toHaveAttributes({ 'operation.result': 'success' });
    }
    const produce = spans.one(`kafka.produce.${ASSESSMENT_COMPLETED_TOPIC}`);
    expect(produce.kind).toBe(SpanKind.PRODUCER);
    expect(produce).toBeChildOf(run);
    expect(spans.one(`requester.receive.${ASSESSMENT_COMPLETED_TOPIC}`)).toBeChildOf(produce);
    expect(spans.inTrace(root)).toHaveLength(spans.all().length);

    const [completed] = received.get(ASSESSMENT_COMPLETED_TOPIC)!;
    expect(completed).toMatchObject({
      event_type: ASSESSMENT_COMPLETED_TOPIC,
      source_service: 'cj-assessment-service',
      correlation_id: 'corr-cj-1',
      data: {
        batch_id: 'batch-1',
        essay_id: 'essay-b',
        score: 0.5,
        wins: 1,
        comparisons: 2,
      } satisfies AssessmentCompletedData,
    });
    spans.assertLifecycle();
  }, 20_000);

  it('a queued judgement: the llm.judgement.completed callback, published later, continues the requester trace', async () => {
    const pair: JudgementRequest = {
      pair_id: 'essay-x:essay-y',
      essay_a: { essay_id: 'essay-x', text: 'Two words.' },
      essay_b: { essay_id: 'essay-y', text: 'Three whole words.' },
    };
    await withCorrelationId('corr-cj-queued', () =>
      traceOperation('cj.pair.compare', { 'cj.pair.id': pair.pair_id }, () =>
        lastValueFrom(
          requester.emit(QUEUED_TOPIC, {
            key: pair.pair_id,
            value: createEventEnvelope(QUEUED_TOPIC, pair, { sourceService: 'cj-assessment-service' }),
          }),
          { defaultValue: undefined },
        ),
      ),
    );
    await waitForSpans([
      `requester.receive.${CALLBACK_TOPIC}`,
      'llm.callback.publish',
      `kafka.consume.${QUEUED_TOPIC}`,
    ]);

    const compare = spans.one('cj.pair.compare');
    const callback = spans.one('llm.callback.publish');
    const receive = spans.one(`requester.receive.${CALLBACK_TOPIC}`);
    expect(spans.one(`kafka.consume.${QUEUED_TOPIC}`)).toBeChildOf(spans.one(`kafka.produce.${QUEUED_TOPIC}`));
    expect(callback).toBeChildOf(spans.one('llm.queue.enqueue'));
    expect(hrTimeToNanoseconds(callback.startTime)).toBeGreaterThanOrEqual(
      hrTimeToNanoseconds(spans.one(`kafka.consume.${QUEUED_TOPIC}`).endTime),
    );
    expect(receive).toBeChildOf(spans.one(`kafka.produce.${CALLBACK_TOPIC}`));
    expect(receive.kind).toBe(SpanKind.CONSUMER);
    for (const span of [callback, receive]) {
      expect(span).toBeInSameTrace(compare);
      expect(span).toHaveAttributes({ correlation_id: 'corr-cj-queued' });
    }
    const [answer] = received.get(CALLBACK_TOPIC)!;
    expect(answer.data).toMatchObject({ pair_id: pair.pair_id, winner_id: 'essay-y' } satisfies Partial<Judgement>);
    spans.assertLifecycle();
  }, 20_000);
});
