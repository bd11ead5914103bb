import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { logLevel } from 'kafkajs';
import type { Kafka as JestKafka } from 'kafkajs';
import type { EachMessagePayload, Kafka } from 'kafkajs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { configureKafkaTracing, traceKafkaHandler, traceKafkaProducer } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';

/** Starting and stopping brokers, transports and Nest apps on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 60_000;

const TOPIC = 'spec.instrumented';
const STABLE_TOPIC = 'spec.instrumented.stable';

/**
 * kafkajs as Node's own `require` loads it: a mutable CommonJS exports object that the
 * instrumentation's module definition can patch, as its require hook would in an application
 * (jest's module registry bypasses that hook).
 */
function patchedKafkajs(instrumentation: KafkaJsInstrumentation): { Kafka: typeof JestKafka } {
  const kafkajs = createRequire(import.meta.url)('kafkajs') as { Kafka: typeof JestKafka };
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name === 'kafkajs') definition.patch?.(kafkajs, '2.2.4');
  }
  return kafkajs;
}

describe('with @opentelemetry/instrumentation-kafkajs active', () => {
  let broker: KafkaTestBroker;
  let moduleRef: TestingModule;
  let spans: TestSpans;
  let instrumentation: KafkaJsInstrumentation;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: [TOPIC, STABLE_TOPIC] });
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'kafka-spec' })],
    }).compile();
    spans = moduleRef.get(TestSpans);
    instrumentation = new KafkaJsInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(trace.getTracerProvider());
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    configureKafkaTracing({});
    await moduleRef?.close();
    await broker?.stop();
  }, HOOK_TIMEOUT_MS);

  it('makes one PRODUCER span and enriches the instrumentation CONSUMER span instead of making a second one', async () => {
    const { Kafka: PatchedKafka } = patchedKafkajs(instrumentation);
    const sender: Kafka = new PatchedKafka({ clientId: 'sender', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = traceKafkaProducer(sender.producer());
    await producer.connect();
    await withCorrelationId('corr-instrumented', () =>
      producer.send({ topic: TOPIC, messages: [{ key: 'essay-9', value: '{}' }] }),
    );
    await producer.disconnect();
    const producerSpans = spans.all().filter((span) => span.kind === SpanKind.PRODUCER);
    expect(producerSpans.map((span) => [span.name, span.instrumentationScope.name])).toEqual([
      [`kafka.produce.${TOPIC}`, '@huleedu/nest-tracing-kafka'],
    ]);

    const kafka: Kafka = new PatchedKafka({
      clientId: 'instrumented',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `spec-${randomUUID()}`, sessionTimeout: 6000 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message in 15 s')), 15_000);
      void consumer
        .run({
          eachMessage: traceKafkaHandler(
            async (_payload: EachMessagePayload) => {
              clearTimeout(timer);
              resolve();
            },
            { groupId: 'instrumented-group' },
          ),
        })
        .catch(reject);
    });
    await consumer.disconnect();

    const consumerSpans = spans.all().filter((span) => span.kind === SpanKind.CONSUMER);
    expect(consumerSpans).toHaveLength(1);
    const [consumerSpan] = consumerSpans;
    expect(consumerSpan.instrumentationScope.name).toBe('@opentelemetry/instrumentation-kafkajs');
    expect(consumerSpan).toBeChildOf(spans.one(`kafka.produce.${TOPIC}`));
    expect(consumerSpan).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.consumer.group.name': 'instrumented-group',
      'messaging.kafka.message.key': 'essay-9',
      correlation_id: 'corr-instrumented',
    });
  });

  it("with semconv: { messaging: 'stable' }, the enriched instrumentation CONSUMER span gets the 1.45 names next to its own", async () => {
    spans.reset();
    configureKafkaTracing({ semconv: { messaging: 'stable' } });
    const { Kafka: PatchedKafka } = patchedKafkajs(instrumentation);
    const kafka: Kafka = new PatchedKafka({ clientId: 'stable', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = traceKafkaProducer(kafka.producer());
    await producer.connect();
    await producer.send({ topic: STABLE_TOPIC, messages: [{ key: 'essay-10', value: '{}' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `spec-${randomUUID()}`, sessionTimeout: 6000 });
    await consumer.connect();
    await consumer.subscribe({ topic: STABLE_TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message in 15 s')), 15_000);
      void consumer
        .run({
          eachMessage: traceKafkaHandler(async (_payload: EachMessagePayload) => {
            clearTimeout(timer);
            resolve();
          }),
        })
        .catch(reject);
    });
    await consumer.disconnect();

    const consumerSpans = spans.all().filter((span) => span.kind === SpanKind.CONSUMER);
    expect(consumerSpans).toHaveLength(1);
    const [consumerSpan] = consumerSpans;
    expect(consumerSpan.instrumentationScope.name).toBe('@opentelemetry/instrumentation-kafkajs');
    expect(consumerSpan).toHaveAttributes({
      'messaging.system.name': 'kafka',
      'kafka.message.key': 'essay-10',
      'kafka.offset': 0,
    });
    // the instrumentation's own attribute, under the name it keeps
    expect(consumerSpan.attributes['messaging.system']).toBe('kafka');
    expect(spans.one(`kafka.produce.${STABLE_TOPIC}`)).toHaveAttributes({
      'messaging.system.name': 'kafka',
      'kafka.message.key': 'essay-10',
    });
    expect(spans.one(`kafka.produce.${STABLE_TOPIC}`).attributes['messaging.system']).toBeUndefined();
  });
});
