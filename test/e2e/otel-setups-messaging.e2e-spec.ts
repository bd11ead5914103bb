import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';
import { startKafkaTestBroker } from '../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../tools/kafka-broker/kafka-test-broker.js';
import { formatReceivedSpanTree } from '../harness/received-span-tree.js';
import { startOtelSetupsApp } from '../harness/otel-setups-app.js';
import type { OtelSetup } from '../harness/otel-setups-app.js';
import type { RunningService } from '../harness/start-service.js';

/**
 * One span per message and per statement beside the application's NodeSDK: with
 * `getNodeAutoInstrumentations()` (instrumentation-kafkajs and instrumentation-pg among them, through
 * the ESM loader hook), a message published by `traceKafkaProducer` and handled by
 * `traceKafkaHandler` has one PRODUCER and one CONSUMER span, and the statement the handler runs
 * through a traced TypeORM data source has one CLIENT span. The same application with nest-tracing
 * alone is the control. Real processes, the Kafka test broker, PostgreSQL, OTLP to the receiver here.
 */
const PROCESS_TIMEOUT_MS = 120_000;
const [SERVER, CLIENT, PRODUCER, CONSUMER] = [2, 3, 4, 5];
const TOPIC = 'greeter.announced';

const isDatabaseSpan = (span: ReceivedSpan): boolean =>
  span.kind === CLIENT && (span.attributes['db.system.name'] ?? span.attributes['db.system']) !== undefined;

describe.each<[OtelSetup, string]>([
  ['node-sdk', '@opentelemetry/instrumentation-kafkajs'],
  ['ours', '@huleedu/nest-tracing-kafka'],
])('Kafka and SQL beside OpenTelemetry set-up %s', (setup, consumerScope) => {
  let broker: KafkaTestBroker;
  let receiver: OtlpTraceReceiver;
  let app: RunningService;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: [TOPIC] });
    receiver = await new OtlpTraceReceiver().start();
    app = await startOtelSetupsApp(setup, receiver.endpoint, { KAFKA_BROKERS: broker.brokers.join(',') });
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
    await broker?.stop();
  }, PROCESS_TIMEOUT_MS);

  it(
    'makes one PRODUCER, one CONSUMER and one statement CLIENT span, in the request trace',
    async () => {
      const response = await fetch(`${app.url}/greet/ada/announce`, {
        method: 'POST',
        headers: { 'x-correlation-id': `corr-announce-${setup}` },
      });
      expect(response.status).toBe(202);
      const requestTrace = (spans: readonly ReceivedSpan[]): ReceivedSpan[] => {
        const server = spans.find(
          (span) => span.kind === SERVER && span.attributes.correlation_id === `corr-announce-${setup}`,
        );
        return server ? spans.filter((span) => span.traceId === server.traceId) : [];
      };
      await receiver.waitFor((spans) => requestTrace(spans).some(isDatabaseSpan), 30_000).catch(() => undefined);
      const trace = requestTrace(receiver.spans);
      const shown = `the request's trace:\n${formatReceivedSpanTree(trace)}\n\nthe application's output:\n${app.output()}`;
      const named = (kind: number) =>
        trace.filter((span) => span.kind === kind).map((span) => `${span.name} (${span.scope.name})`);
      expect({ producers: named(PRODUCER), consumers: named(CONSUMER), shown }).toEqual({
        producers: [`kafka.produce.${TOPIC} (@huleedu/nest-tracing-kafka)`],
        consumers: [expect.stringContaining(`(${consumerScope})`)],
        shown,
      });
      const statements = trace.filter(isDatabaseSpan);
      expect({ statements: statements.map((span) => `${span.name} (${span.scope.name})`), shown }).toEqual({
        statements: ['SELECT (@huleedu/nest-tracing-typeorm)'],
        shown,
      });
      const [producer] = trace.filter((span) => span.kind === PRODUCER);
      const [consumer] = trace.filter((span) => span.kind === CONSUMER);
      expect(consumer.parentSpanId).toBe(producer.spanId);
      expect(consumer.attributes.correlation_id).toBe(`corr-announce-${setup}`);
      expect(statements[0].parentSpanId).toBe(consumer.spanId);
    },
    PROCESS_TIMEOUT_MS,
  );
});
