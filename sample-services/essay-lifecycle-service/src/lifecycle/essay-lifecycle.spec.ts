import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { ServerKafka } from '@nestjs/microservices';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { createEventEnvelope, traceKafkaProducer, traceMicroservice } from '@huleedu/nest-tracing-kafka';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { startKafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import { readKafkaTopic } from '../../../../tools/kafka-broker/kafka-topic-reader.js';
import type { KafkaTopicReader } from '../../../../tools/kafka-broker/kafka-topic-reader.js';
import { kafkaServerOptions } from '../kafka/kafka-options.js';
import { EssayTopics } from './essay-events.js';
import type { SpellcheckRequestedData } from './essay-events.js';
import { EssayLifecycleModule } from './essay-lifecycle.module.js';
import { EssayLifecycleService } from './essay-lifecycle.service.js';
import { InvalidTransitionError } from './invalid-transition.error.js';

const transitionTo = (state: string) => (spans: readonly ReadableSpan[]) =>
  spans.some((span) => span.name === 'essay_lifecycle.transition' && span.attributes['essay.state.to'] === state);

describe('essay lifecycle service on a Kafka broker', () => {
  const savedBrokers = process.env.KAFKA_BROKERS;
  let broker: KafkaTestBroker;
  let moduleRef: TestingModule;
  let app: INestMicroservice;
  let spans: TestSpans;
  let producer: Producer;
  let requests: KafkaTopicReader;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: Object.values(EssayTopics) });
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'essay-lifecycle-service' }), EssayLifecycleModule],
    }).compile();
    spans = moduleRef.get(TestSpans);
    app = moduleRef.createNestMicroservice<MicroserviceOptions>({
      strategy: traceMicroservice(new ServerKafka(kafkaServerOptions(broker.brokers))),
    });
    await app.listen();
    const kafka = new Kafka({ clientId: 'lifecycle-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = traceKafkaProducer(kafka.producer());
    await producer.connect();
    requests = await readKafkaTopic(kafka, EssayTopics.SPELLCHECK_REQUESTED, 'lifecycle-spec-spellchecker');
  }, 30_000);

  afterAll(async () => {
    await requests?.stop();
    await producer?.disconnect();
    await app?.close();
    await broker?.stop();
    if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = savedBrokers;
  }, 15_000);

  /** Publish `data` as an envelope on `topic`, keyed by the essay id, in a test span under a correlation id. */
  const publish = (topic: string, essayId: string, data: unknown): Promise<unknown> =>
    withCorrelationId('corr-lifecycle-1', () =>
      traceOperation(`spec.publish.${topic}`, () =>
        producer.send({
          topic,
          messages: [{ key: essayId, value: JSON.stringify(createEventEnvelope(topic, data)) }],
        }),
      ),
    );

  it("moves an uploaded essay through spellchecking to completed, continuing each producer's trace, with one correlation id", async () => {
    await publish(EssayTopics.UPLOADED, 'essay-1', { essay_id: 'essay-1', text: 'We read books.' });

    const request = await requests.waitFor((message) => message.key?.toString() === 'essay-1');
    const envelope = JSON.parse(request.value!.toString()) as { data: SpellcheckRequestedData };
    expect(envelope.data).toEqual({ essay_id: 'essay-1', language: 'en', text: 'We read books.' });
    await spans.waitFor(transitionTo('spellchecking'), 10_000);
    expect(moduleRef.get(EssayLifecycleService).find('essay-1')?.state).toBe('spellchecking');

    await publish(EssayTopics.SPELLCHECK_COMPLETED, 'essay-1', {
      essay_id: 'essay-1',
      status: 'completed',
      word_count: 3,
      error_count: 0,
    });
    await spans.waitFor((all) => all.some((span) => span.name === 'kafka.consume.essay.spellcheck.completed'), 10_000);

    expect(moduleRef.get(EssayLifecycleService).find('essay-1')).toMatchObject({
      state: 'completed',
      correlationId: 'corr-lifecycle-1',
      spellcheckErrorCount: 0,
    });
    const uploaded = spans.one({ name: 'kafka.consume.essay.uploaded', kind: SpanKind.CONSUMER });
    expect(uploaded.parentSpanContext?.spanId).toBe(spans.one('kafka.produce.essay.uploaded').spanContext().spanId);
    expect(uploaded).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.kafka.message.key': 'essay-1',
      correlation_id: 'corr-lifecycle-1',
    });
    const requested = spans.one({ name: 'kafka.produce.essay.spellcheck.requested', kind: SpanKind.PRODUCER });
    expect(requested).toBeChildOf(uploaded);
    const { traceId, spanId } = requested.spanContext();
    expect(request.headers?.traceparent?.toString()).toBe(`00-${traceId}-${spanId}-01`);
    const completed = spans.one({ name: 'kafka.consume.essay.spellcheck.completed', kind: SpanKind.CONSUMER });
    const transitions = spans.byName('essay_lifecycle.transition');
    expect(
      transitions.map((span) => [
        span.attributes['essay.state.from'],
        span.attributes['essay.state.to'],
        span.parentSpanContext?.spanId === uploaded.spanContext().spanId ? 'uploaded' : 'completed',
      ]),
    ).toEqual([
      ['none', 'uploaded', 'uploaded'],
      ['uploaded', 'spellchecking', 'uploaded'],
      ['spellchecking', 'assessing', 'completed'],
      ['assessing', 'completed', 'completed'],
    ]);
    for (const transition of transitions) expect(transition).toHaveAttributes({ 'essay.id': 'essay-1' });
    const lifecycleSpans = [uploaded, requested, completed, ...transitions];
    expect(lifecycleSpans.map((span) => span.attributes['correlation_id'])).toEqual(
      lifecycleSpans.map(() => 'corr-lifecycle-1'),
    );
    expect(new Set(spans.all().map((span) => span.spanContext().traceId)).size).toBe(2);
    spans.assertLifecycle();
  }, 30_000);

  it('fails the transition span, and acknowledges the message, for a spellcheck result of an unknown essay', async () => {
    spans.reset();

    await publish(EssayTopics.SPELLCHECK_COMPLETED, 'essay-unknown', {
      essay_id: 'essay-unknown',
      status: 'completed',
    });
    await spans.waitFor((all) => all.some((span) => span.name === 'kafka.consume.essay.spellcheck.completed'), 10_000);

    const transition = spans.one('essay_lifecycle.transition');
    expect(transition).toHaveStatus('error');
    expect(transition).toHaveRecordedException('InvalidTransitionError');
    expect(transition).toHaveAttributes({
      'essay.id': 'essay-unknown',
      'essay.state.from': 'none',
      'essay.state.to': 'assessing',
    });
    expect(spans.one('kafka.consume.essay.spellcheck.completed')).toHaveStatus('unset');
    expect(moduleRef.get(EssayLifecycleService).find('essay-unknown')).toBeUndefined();
  }, 30_000);

  it('moves an essay to failed when its spellcheck failed, and refuses to move it on', () => {
    const lifecycle = moduleRef.get(EssayLifecycleService);
    lifecycle.transition('essay-2', 'uploaded');
    lifecycle.transition('essay-2', 'spellchecking');

    expect(lifecycle.spellcheckCompleted({ essay_id: 'essay-2', status: 'failed', error: 'EmptyEssayError' })).toBe(
      'failed',
    );
    expect(() => lifecycle.transition('essay-2', 'assessing')).toThrow(
      new InvalidTransitionError('essay-2', 'failed', 'assessing'),
    );
  });
});
