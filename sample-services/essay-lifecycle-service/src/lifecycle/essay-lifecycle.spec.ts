import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { createEventEnvelope, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TypeOrmTracingModule } from '@huleedu/nest-tracing-typeorm';
import { startKafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import { readKafkaTopic } from '../../../../tools/kafka-broker/kafka-topic-reader.js';
import type { KafkaTopicReader } from '../../../../tools/kafka-broker/kafka-topic-reader.js';
import { DatabaseModule } from '../database/database.module.js';
import { tracedKafkaStrategy } from '@huleedu/sample-kafka';
import { LIFECYCLE_CLIENT_ID } from '../kafka/kafka-options.js';
import { EssayTopics } from './essay-events.js';
import type { SpellcheckRequestedData } from './essay-events.js';
import { EssayLifecycleModule } from './essay-lifecycle.module.js';
import { EssayLifecycleService } from './essay-lifecycle.service.js';
import { InvalidTransitionError } from './invalid-transition.error.js';

/** Starting or stopping the Kafka test broker, the Nest microservice and its database, the producer and a topic reader: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const transitionTo = (state: string) => (spans: readonly ReadableSpan[]) =>
  spans.some((span) => span.name === 'essay_lifecycle.transition' && span.attributes['essay.state.to'] === state);

/** Essay ids of this run: the `essay_states` table may be shared with earlier runs (`DATABASE_URL`). */
const RUN = randomUUID().slice(0, 8);
const ESSAY_1 = `essay-1-${RUN}`;
const ESSAY_2 = `essay-2-${RUN}`;
const ESSAY_UNKNOWN = `essay-unknown-${RUN}`;

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
      imports: [
        TracingTestingModule.forRoot({ serviceName: 'essay-lifecycle-service' }),
        DatabaseModule.forRoot(),
        TypeOrmTracingModule.forRoot(),
        EssayLifecycleModule,
      ],
    }).compile();
    spans = moduleRef.get(TestSpans);
    app = moduleRef.createNestMicroservice<MicroserviceOptions>(
      tracedKafkaStrategy(LIFECYCLE_CLIENT_ID, broker.brokers),
    );
    await app.listen();
    const kafka = new Kafka({ clientId: 'lifecycle-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = traceKafkaProducer(kafka.producer());
    await producer.connect();
    requests = await readKafkaTopic(kafka, EssayTopics.SPELLCHECK_REQUESTED, 'lifecycle-spec-spellchecker');
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await requests?.stop();
    await producer?.disconnect();
    if (app) {
      await moduleRef
        .get(DataSource)
        .query('DELETE FROM essay_states WHERE essay_id = ANY($1)', [[ESSAY_1, ESSAY_2, ESSAY_UNKNOWN]]);
      await app.close();
    }
    await broker?.stop();
    if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = savedBrokers;
  }, HOOK_TIMEOUT_MS);

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
    await publish(EssayTopics.UPLOADED, ESSAY_1, { essay_id: ESSAY_1, text: 'We read books.' });

    const request = await requests.waitFor((message) => message.key?.toString() === ESSAY_1);
    const envelope = JSON.parse(request.value!.toString()) as { data: SpellcheckRequestedData };
    expect(envelope.data).toEqual({ essay_id: ESSAY_1, language: 'en', text: 'We read books.' });
    await spans.waitFor(transitionTo('spellchecking'), 10_000);
    expect((await moduleRef.get(EssayLifecycleService).find(ESSAY_1))?.state).toBe('spellchecking');

    await publish(EssayTopics.SPELLCHECK_COMPLETED, ESSAY_1, {
      essay_id: ESSAY_1,
      status: 'completed',
      word_count: 3,
      error_count: 0,
    });
    await spans.waitFor((all) => all.some((span) => span.name === 'kafka.consume.essay.spellcheck.completed'), 10_000);

    await expect(moduleRef.get(EssayLifecycleService).find(ESSAY_1)).resolves.toMatchObject({
      state: 'completed',
      correlationId: 'corr-lifecycle-1',
      spellcheckErrorCount: 0,
    });
    const uploaded = spans.one({ name: 'kafka.consume.essay.uploaded', kind: SpanKind.CONSUMER });
    expect(uploaded.parentSpanContext?.spanId).toBe(spans.one('kafka.produce.essay.uploaded').spanContext().spanId);
    expect(uploaded).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.kafka.message.key': ESSAY_1,
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
    for (const transition of transitions) expect(transition).toHaveAttributes({ 'essay.id': ESSAY_1 });
    const statements = transitions.map((transition) => {
      const [transaction] = spans.childrenOf(transition);
      expect(transaction).toHaveAttributes({ 'db.system.name': 'postgresql', 'db.transaction.outcome': 'commit' });
      return spans.childrenOf(transaction).map((span) => `${span.name} [${SpanKind[span.kind]}]`);
    });
    expect(statements).toEqual([
      ['START TRANSACTION [CLIENT]', 'SELECT essay_states [CLIENT]', 'INSERT essay_states [CLIENT]', 'COMMIT [CLIENT]'],
      ['START TRANSACTION [CLIENT]', 'SELECT essay_states [CLIENT]', 'UPDATE essay_states [CLIENT]', 'COMMIT [CLIENT]'],
      ['START TRANSACTION [CLIENT]', 'SELECT essay_states [CLIENT]', 'UPDATE essay_states [CLIENT]', 'COMMIT [CLIENT]'],
      ['START TRANSACTION [CLIENT]', 'SELECT essay_states [CLIENT]', 'UPDATE essay_states [CLIENT]', 'COMMIT [CLIENT]'],
    ]);
    const lifecycleSpans = [uploaded, requested, completed, ...transitions];
    expect(lifecycleSpans.map((span) => span.attributes['correlation_id'])).toEqual(
      lifecycleSpans.map(() => 'corr-lifecycle-1'),
    );
    // The test's own find() calls read outside any span: each SELECT is a trace of its own.
    const readsByTheTest = spans.find({ parent: null }).filter((span) => span.name === 'SELECT essay_states');
    expect(readsByTheTest).toHaveLength(2);
    expect(new Set(spans.all().map((span) => span.spanContext().traceId)).size).toBe(2 + readsByTheTest.length);
    spans.assertLifecycle();
  }, 45_000); // bounded waits of 15 s (the request message) and twice 10 s (the spans)

  it('fails the transition span, and acknowledges the message, for a spellcheck result of an unknown essay', async () => {
    spans.reset();

    await publish(EssayTopics.SPELLCHECK_COMPLETED, ESSAY_UNKNOWN, {
      essay_id: ESSAY_UNKNOWN,
      status: 'completed',
    });
    await spans.waitFor((all) => all.some((span) => span.name === 'kafka.consume.essay.spellcheck.completed'), 10_000);

    const transition = spans.one('essay_lifecycle.transition');
    expect(transition).toHaveStatus('error');
    expect(transition).toHaveRecordedException('InvalidTransitionError');
    expect(transition).toHaveAttributes({
      'essay.id': ESSAY_UNKNOWN,
      'essay.state.from': 'none',
      'essay.state.to': 'assessing',
    });
    expect(spans.one('kafka.consume.essay.spellcheck.completed')).toHaveStatus('unset');
    expect(spans.childrenOf(transition).map((span) => span.name)).toEqual([expect.stringMatching(/^TRANSACTION/)]);
    const [transaction] = spans.childrenOf(transition);
    expect(transaction).toHaveAttributes({ 'db.transaction.outcome': 'rollback' });
    expect(spans.childrenOf(transaction).map((span) => span.name)).toEqual([
      'START TRANSACTION',
      'SELECT essay_states',
      'ROLLBACK',
    ]);
    await expect(moduleRef.get(EssayLifecycleService).find(ESSAY_UNKNOWN)).resolves.toBeUndefined();
  }, 30_000);

  it('moves an essay to failed when its spellcheck failed, and refuses to move it on', async () => {
    const lifecycle = moduleRef.get(EssayLifecycleService);
    await lifecycle.transition(ESSAY_2, 'uploaded');
    await lifecycle.transition(ESSAY_2, 'spellchecking');

    await expect(
      lifecycle.spellcheckCompleted({ essay_id: ESSAY_2, status: 'failed', error: 'EmptyEssayError' }),
    ).resolves.toBe('failed');
    await expect(lifecycle.transition(ESSAY_2, 'assessing')).rejects.toThrow(
      new InvalidTransitionError(ESSAY_2, 'failed', 'assessing'),
    );
    await expect(lifecycle.find(ESSAY_2)).resolves.toMatchObject({ state: 'failed' });
  });
});
