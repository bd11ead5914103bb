import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestMicroservice } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaMessage, Producer } from 'kafkajs';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { createEventEnvelope, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { startKafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../../tools/kafka-broker/kafka-test-broker.js';
import { readKafkaTopic } from '../../../../tools/kafka-broker/kafka-topic-reader.js';
import type { KafkaTopicReader } from '../../../../tools/kafka-broker/kafka-topic-reader.js';
import { kafkaServerOptions } from '@huleedu/sample-kafka';
import { SPELLCHECKER_CLIENT_ID } from '../kafka/kafka-options.js';
import { SpellcheckEventsModule } from './spellcheck-events.module.js';
import { SPELLCHECK_COMPLETED_TOPIC, SPELLCHECK_REQUESTED_TOPIC } from './spellcheck-events.js';
import type { SpellcheckCompletedData } from './spellcheck-events.js';

/** Starting or stopping the Kafka test broker, the Nest microservice, the producer and a topic reader (a consumer group): ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;
/** The CONSUMER span ends just after its result was published: a broker round trip, on a loaded machine too. */
const SPAN_WAIT_MS = 10_000;

const CONSUME_SPAN = 'kafka.consume.spellcheck_request';

describe('spellchecker on a Kafka broker', () => {
  const savedBrokers = process.env.KAFKA_BROKERS;
  let broker: KafkaTestBroker;
  let moduleRef: TestingModule;
  let app: INestMicroservice;
  let spans: TestSpans;
  let producer: Producer;
  let results: KafkaTopicReader;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: [SPELLCHECK_REQUESTED_TOPIC, SPELLCHECK_COMPLETED_TOPIC] });
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'spellchecker-service' }), SpellcheckEventsModule],
    }).compile();
    spans = moduleRef.get(TestSpans);
    app = moduleRef.createNestMicroservice<MicroserviceOptions>({
      transport: Transport.KAFKA,
      options: kafkaServerOptions(SPELLCHECKER_CLIENT_ID, broker.brokers),
    });
    await app.listen();
    const kafka = new Kafka({ clientId: 'spellchecker-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = traceKafkaProducer(kafka.producer());
    await producer.connect();
    results = await readKafkaTopic(kafka, SPELLCHECK_COMPLETED_TOPIC, 'spellchecker-spec-lifecycle');
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await results?.stop();
    await producer?.disconnect();
    await app?.close();
    await broker?.stop();
    if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = savedBrokers;
  }, HOOK_TIMEOUT_MS);

  /** Request a spellcheck of `text` as the lifecycle service does, under a correlation id; the result's message. */
  async function requestSpellcheck(essayId: string, text: string): Promise<KafkaMessage> {
    await withCorrelationId(`corr-${essayId}`, () =>
      traceOperation('spec.request_spellcheck', () =>
        producer.send({
          topic: SPELLCHECK_REQUESTED_TOPIC,
          messages: [
            {
              key: essayId,
              value: JSON.stringify(createEventEnvelope(SPELLCHECK_REQUESTED_TOPIC, { essay_id: essayId, text })),
            },
          ],
        }),
      ),
    );
    return results.waitFor((message) => message.key?.toString() === essayId);
  }

  it('checks a requested essay in kafka.consume.spellcheck_request and publishes the counts, continuing the trace', async () => {
    const message = await requestSpellcheck('essay-1', 'Teh students read thier books.');
    await spans.waitFor((all) => all.some((span) => span.name === CONSUME_SPAN), SPAN_WAIT_MS);

    const envelope = JSON.parse(message.value!.toString()) as { data: SpellcheckCompletedData; correlation_id: string };
    expect(envelope.data).toEqual({ essay_id: 'essay-1', status: 'completed', word_count: 5, error_count: 2 });
    expect(envelope.correlation_id).toBe('corr-essay-1');
    const consume = spans.one(CONSUME_SPAN);
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume.parentSpanContext?.spanId).toBe(
      spans.one('kafka.produce.essay.spellcheck.requested').spanContext().spanId,
    );
    expect(consume).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.destination.name': SPELLCHECK_REQUESTED_TOPIC,
      'messaging.kafka.message.key': 'essay-1',
      essay_id: 'essay-1',
      correlation_id: 'corr-essay-1',
    });
    expect(spans.one('spellchecker.process.essay')).toBeChildOf(consume);
    const publish = spans.one({ name: 'kafka.produce.essay.spellcheck.completed', kind: SpanKind.PRODUCER });
    expect(publish).toBeChildOf(consume);
    expect(publish).toHaveAttributes({ correlation_id: 'corr-essay-1' });
    const { traceId, spanId } = publish.spanContext();
    expect(message.headers?.traceparent?.toString()).toBe(`00-${traceId}-${spanId}-01`);
    expect(message.headers?.correlation_id?.toString()).toBe('corr-essay-1');
    spans.assertLifecycle();
  }, 30_000);

  it('publishes a failed result for an essay without words, leaving the consume span successful', async () => {
    spans.reset();

    const message = await requestSpellcheck('essay-2', ' ... ');
    await spans.waitFor((all) => all.some((span) => span.name === CONSUME_SPAN), SPAN_WAIT_MS);

    const envelope = JSON.parse(message.value!.toString()) as { data: SpellcheckCompletedData };
    expect(envelope.data).toEqual({ essay_id: 'essay-2', status: 'failed', error: 'EmptyEssayError' });
    expect(spans.one('spellchecker.process.essay')).toHaveStatus('error');
    expect(spans.one(CONSUME_SPAN)).toHaveStatus('unset');
    expect(spans.one(CONSUME_SPAN)).toHaveAttributes({ essay_id: 'essay-2', correlation_id: 'corr-essay-2' });
  }, 30_000);
});
