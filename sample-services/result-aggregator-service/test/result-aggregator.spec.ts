import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { traceOperation } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { createEventEnvelope, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import type { EventEnvelope } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import { AppModule } from '../src/app.module.js';
import { resultAggregatorMicroserviceOptions } from '../src/kafka/kafka.config.js';
import {
  ASSESSMENT_COMPLETED_TOPIC,
  BATCH_REGISTERED_TOPIC,
  BATCH_REPORT_READY_TOPIC,
  SPELLCHECK_COMPLETED_TOPIC,
} from '../src/results/result.events.js';
import type {
  AssessmentCompletedData,
  BatchRegisteredData,
  BatchReportData,
  SpellcheckCompletedData,
} from '../src/results/result.events.js';

/** Starting or stopping the Kafka test broker, the Nest microservice and its database, and a consumer group: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const TOPICS = [
  BATCH_REGISTERED_TOPIC,
  SPELLCHECK_COMPLETED_TOPIC,
  ASSESSMENT_COMPLETED_TOPIC,
  BATCH_REPORT_READY_TOPIC,
];
/** A schema of its own per run, so runs sharing a `DATABASE_URL` server never meet; dropped at the end. */
const SCHEMA = `result_spec_${randomUUID().slice(0, 8)}`;

const BATCH: BatchRegisteredData = {
  batch_id: 'batch-r1',
  essays: [
    { essay_id: 'essay-a', text: 'First essay.' },
    { essay_id: 'essay-b', text: 'Second essay.' },
  ],
};
const SPELLCHECKS: SpellcheckCompletedData[] = [
  { essay_id: 'essay-a', status: 'completed', word_count: 2, error_count: 0 },
  { essay_id: 'essay-b', status: 'completed', word_count: 2, error_count: 1 },
];
const ASSESSMENTS: AssessmentCompletedData[] = [
  { batch_id: 'batch-r1', essay_id: 'essay-a', score: 0, wins: 0, comparisons: 1 },
  { batch_id: 'batch-r1', essay_id: 'essay-b', score: 1, wins: 1, comparisons: 1 },
];

describe('result-aggregator-service on a Kafka broker and PostgreSQL', () => {
  const savedEnv = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, DATABASE_SCHEMA: process.env.DATABASE_SCHEMA };
  let broker: KafkaTestBroker;
  let moduleRef: TestingModule;
  let app: INestMicroservice;
  let producer: Producer;
  let reports: Consumer;
  let spans: TestSpans;
  let resolveReport: (envelope: EventEnvelope<BatchReportData>) => void;
  const reportReceived = new Promise<EventEnvelope<BatchReportData>>((resolve) => (resolveReport = resolve));

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    process.env.DATABASE_SCHEMA = SCHEMA;
    moduleRef = await Test.createTestingModule({
      imports: [AppModule, TracingTestingModule.forRoot({ serviceName: 'result-aggregator-service' })],
    }).compile();
    app = moduleRef.createNestMicroservice({ ...resultAggregatorMicroserviceOptions(broker.brokers), logger: false });
    await app.listen();
    spans = moduleRef.get(TestSpans);

    const kafka = new Kafka({ clientId: 'result-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = traceKafkaProducer(kafka.producer(), { clientId: 'result-spec-producer' });
    await producer.connect();
    reports = kafka.consumer({ groupId: 'result-spec-reports', sessionTimeout: 6000, maxWaitTimeInMs: 100 });
    await reports.connect();
    await reports.subscribe({ topic: BATCH_REPORT_READY_TOPIC, fromBeginning: true });
    await reports.run({
      eachMessage: async ({ message }) => {
        resolveReport(JSON.parse(message.value!.toString()) as EventEnvelope<BatchReportData>);
      },
    });
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await reports?.disconnect();
    await producer?.disconnect();
    await moduleRef?.get<DataSource>(getDataSourceToken()).query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await app?.close();
    await moduleRef?.close();
    await broker?.stop();
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }, HOOK_TIMEOUT_MS);

  /** Publish one event as its producing service would: a root span and a traced PRODUCER span. */
  function publish(service: string, topic: string, key: string, data: unknown): Promise<unknown> {
    return traceOperation(`${service}.publish`, () =>
      producer.send({
        topic,
        messages: [{ key, value: JSON.stringify(createEventEnvelope(topic, data, { sourceService: service })) }],
      }),
    );
  }

  it('stores every result under its CONSUMER span and reports the batch once both results of every essay are in', async () => {
    // spellcheck results first: they wait for the batch that names their essays
    for (const result of SPELLCHECKS) {
      await publish('spellchecker-service', SPELLCHECK_COMPLETED_TOPIC, result.essay_id, result);
    }
    await publish('batch-orchestrator-service', BATCH_REGISTERED_TOPIC, BATCH.batch_id, BATCH);
    for (const result of ASSESSMENTS) {
      await publish('cj-assessment-service', ASSESSMENT_COMPLETED_TOPIC, result.essay_id, result);
    }

    const report = await reportReceived;
    expect(report).toMatchObject({
      event_type: BATCH_REPORT_READY_TOPIC,
      source_service: 'result-aggregator-service',
      data: {
        batch_id: 'batch-r1',
        essay_count: 2,
        result_count: 4,
        essays: [
          { essay_id: 'essay-b', score: 1, spellcheck_status: 'completed', word_count: 2, error_count: 1 },
          { essay_id: 'essay-a', score: 0, spellcheck_status: 'completed', word_count: 2, error_count: 0 },
        ],
      },
    });
    const consumeNames = TOPICS.slice(0, 3).map((topic) => `kafka.consume.${topic}`);
    await spans.waitFor((finished) => finished.filter((span) => consumeNames.includes(span.name)).length === 5, 10_000);

    // every CONSUMER span continues its producer's trace, and its INSERT statements are its children
    const consumes = spans.all().filter((span) => consumeNames.includes(span.name));
    for (const consume of consumes) {
      const topic = consume.attributes['messaging.destination.name'];
      expect(consume.kind).toBe(SpanKind.CONSUMER);
      expect(consume).toHaveAttributes({ 'messaging.consumer.group.name': 'result-aggregator-service-server' });
      const producerSpan = spans.parentOf(consume)!;
      expect(producerSpan.kind).toBe(SpanKind.PRODUCER);
      expect(producerSpan.name).toBe(`kafka.produce.${String(topic)}`);
      expect(producerSpan.attributes['messaging.kafka.message.key']).toBe(
        consume.attributes['messaging.kafka.message.key'],
      );
    }
    const insertsUnder = (consume: ReadableSpan): ReadableSpan[] =>
      spans.childrenOf(consume).filter((span) => span.kind === SpanKind.CLIENT && span.name.startsWith('INSERT '));
    for (const consume of consumes.filter((span) => span.name !== `kafka.consume.${BATCH_REGISTERED_TOPIC}`)) {
      const table = consume.name.includes('spellcheck') ? 'spellcheck_results' : 'assessment_results';
      expect(insertsUnder(consume).map((span) => span.name)).toEqual([`INSERT ${table}`]);
      expect(insertsUnder(consume)[0]).toHaveAttributes({
        'db.system.name': 'postgresql',
        'db.collection.name': table,
      });
    }
    // the batch's membership is stored in one transaction under its CONSUMER span
    const registered = spans.one(`kafka.consume.${BATCH_REGISTERED_TOPIC}`);
    expect(registered).toHaveAttributes({ 'batch.id': 'batch-r1', 'batch.size': 2, 'result.registration': 'new' });
    const [transaction] = spans.childrenOf(registered).filter((span) => span.name.startsWith('TRANSACTION'));
    expect(
      spans
        .childrenOf(transaction)
        .map((span) => span.name)
        .filter((name) => name.startsWith('INSERT')),
    ).toEqual(['INSERT result_batches', 'INSERT result_batch_essays']);

    // one report: published inside the batch check's transaction (its span is active in the callback),
    // in the result.aggregate span of the event that completed the batch
    const reportSpan = spans.one('result.report');
    expect(reportSpan).toHaveAttributes({ 'batch.id': 'batch-r1', 'batch.size': 2, 'result.count': 4 });
    const checkTransaction = spans.parentOf(reportSpan)!;
    expect(checkTransaction.name).toMatch(/^TRANSACTION /);
    const completing = spans.parentOf(checkTransaction)!;
    expect(completing.name).toBe('result.aggregate');
    expect(completing).toHaveAttributes({ 'result.batch_status': 'complete', 'batch.size': 2, 'result.count': 4 });
    expect(consumes).toContain(spans.parentOf(completing));
    expect(spans.one(`kafka.produce.${BATCH_REPORT_READY_TOPIC}`)).toBeChildOf(reportSpan);
    // topics are consumed in no set order: the last event found the batch complete, earlier ones pending or unregistered
    const statuses = spans.byName('result.aggregate').map((span) => span.attributes['result.batch_status']);
    expect(statuses.filter((status) => status !== 'pending' && status !== 'unregistered')).toEqual(['complete']);
    expect(spans.find({ attributes: { 'result.batch_status': 'complete' } })).toEqual([completing]);
    spans.assertLifecycle();
  }, 20_000);
});
