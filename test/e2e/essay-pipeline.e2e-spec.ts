import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';
import { startKafkaTestBroker } from '../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../tools/kafka-broker/kafka-test-broker.js';
import { ESSAY_PIPELINE_TOPICS, startEssayPipeline } from '../harness/essay-pipeline.js';
import type { EssayPipeline } from '../harness/essay-pipeline.js';
import { describeReceivedSpan, serviceName, withSpanTreeOnFailure } from '../harness/received-span-tree.js';

/** A broker and five processes to start, and three Kafka hops to wait for. */
const E2E_TIMEOUT_MS = 120_000;
const CORRELATION_ID = 'corr-pipeline-1';
const ESSAY = {
  fileName: 'river.txt',
  contentType: 'text/plain',
  text: 'Teh students read thier books by the river.',
};
const PRODUCER = 4;
const CONSUMER = 5;

/** The one span of `service` named `name` (and of `kind`, if given), or a failure that says which is missing. */
function only(spans: readonly ReceivedSpan[], service: string, name: string, kind?: number): ReceivedSpan {
  const found = spans.filter(
    (span) => serviceName(span) === service && span.name === name && (kind === undefined || span.kind === kind),
  );
  if (found.length !== 1) throw new Error(`expected one ${service} span ${name}, found ${found.length}`);
  return found[0];
}

describe('essay pipeline over Kafka: gateway, file, content, essay lifecycle and spellchecker', () => {
  let receiver: OtlpTraceReceiver;
  let broker: KafkaTestBroker | undefined;
  let pipeline: EssayPipeline | undefined;

  beforeAll(async () => {
    receiver = await new OtlpTraceReceiver().start();
    broker = await startKafkaTestBroker({ topics: ESSAY_PIPELINE_TOPICS });
    pipeline = await startEssayPipeline(receiver.endpoint, broker.brokers);
  }, E2E_TIMEOUT_MS);

  afterAll(async () => {
    await pipeline?.stop();
    await broker?.stop();
    await receiver?.stop();
  }, E2E_TIMEOUT_MS);

  it(
    'carries one trace and one correlation id from the upload through both Kafka round trips',
    async () => {
      const response = await fetch(`${pipeline!.gateway.url}/essays`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer teacher-token',
          'content-type': 'application/json',
          'x-correlation-id': CORRELATION_ID,
        },
        body: JSON.stringify(ESSAY),
      });
      expect(response.status).toBe(201);
      const { essayId } = (await response.json()) as { essayId: string };

      const isLifecycleDone = (span: ReceivedSpan): boolean =>
        serviceName(span) === 'essay-lifecycle-service' &&
        span.name === 'essay_lifecycle.transition' &&
        span.attributes['essay.state.to'] === 'completed';
      await receiver
        .waitFor(
          (spans) =>
            spans.some(isLifecycleDone) &&
            spans.some((span) => span.name === 'kafka.consume.spellcheck_request') &&
            spans.some((span) => span.name === 'kafka.produce.essay.spellcheck.completed'),
          30_000,
        )
        .catch(() => undefined);

      await withSpanTreeOnFailure(
        () => receiver.spans,
        () => {
          const gatewayRoute = only(receiver.spans, 'api-gateway', 'gateway.route.upload_essay');
          const trace = receiver.spans.filter((span) => span.traceId === gatewayRoute.traceId);
          expect(new Set(receiver.spans.map((span) => span.traceId)).size).toBe(1);
          expect([...new Set(trace.map(serviceName))].sort()).toEqual([
            'api-gateway',
            'content-service',
            'essay-lifecycle-service',
            'file-service',
            'spellchecker-service',
          ]);

          const fileProduce = only(trace, 'file-service', 'kafka.produce.essay.uploaded', PRODUCER);
          const uploadedConsume = only(trace, 'essay-lifecycle-service', 'kafka.consume.essay.uploaded', CONSUMER);
          const requestProduce = only(
            trace,
            'essay-lifecycle-service',
            'kafka.produce.essay.spellcheck.requested',
            PRODUCER,
          );
          const spellcheckConsume = only(trace, 'spellchecker-service', 'kafka.consume.spellcheck_request', CONSUMER);
          const completedProduce = only(
            trace,
            'spellchecker-service',
            'kafka.produce.essay.spellcheck.completed',
            PRODUCER,
          );
          const completedConsume = only(
            trace,
            'essay-lifecycle-service',
            'kafka.consume.essay.spellcheck.completed',
            CONSUMER,
          );
          const chain = [
            fileProduce,
            uploadedConsume,
            requestProduce,
            spellcheckConsume,
            completedProduce,
            completedConsume,
          ];
          for (let index = 1; index < chain.length; index += 1) {
            expect(`${chain[index].name} <- ${chain[index].parentSpanId}`).toBe(
              `${chain[index].name} <- ${chain[index - 1].spanId}`,
            );
          }
          expect(fileProduce.parentSpanId).toBe(only(trace, 'file-service', 'file.upload').spanId);

          expect(fileProduce.attributes).toMatchObject({
            'messaging.system': 'kafka',
            'messaging.destination.name': 'essay.uploaded',
            'messaging.kafka.message.key': essayId,
          });
          expect(spellcheckConsume.attributes).toMatchObject({
            'messaging.system': 'kafka',
            'messaging.destination.name': 'essay.spellcheck.requested',
            correlation_id: CORRELATION_ID,
            essay_id: essayId,
          });
          const spellcheckEssay = only(trace, 'spellchecker-service', 'spellchecker.process.essay');
          expect(spellcheckEssay.parentSpanId).toBe(spellcheckConsume.spanId);
          expect(spellcheckEssay.attributes).toMatchObject({ 'essay.id': essayId, 'spellcheck.error_count': 2 });

          const transitions = trace
            .filter((span) => span.name === 'essay_lifecycle.transition')
            .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1))
            .map((span) => [
              span.attributes['essay.id'],
              span.attributes['essay.state.from'],
              span.attributes['essay.state.to'],
              span.parentSpanId === uploadedConsume.spanId
                ? 'essay.uploaded'
                : span.parentSpanId === completedConsume.spanId
                  ? 'essay.spellcheck.completed'
                  : '?',
            ]);
          expect(transitions).toEqual([
            [essayId, 'none', 'uploaded', 'essay.uploaded'],
            [essayId, 'uploaded', 'spellchecking', 'essay.uploaded'],
            [essayId, 'spellchecking', 'assessing', 'essay.spellcheck.completed'],
            [essayId, 'assessing', 'completed', 'essay.spellcheck.completed'],
          ]);

          const uncorrelated = trace.filter((span) => span.attributes['correlation_id'] !== CORRELATION_ID);
          expect(uncorrelated.map(describeReceivedSpan)).toEqual([]);
          expect(trace.filter((span) => span.status.code !== 0).map(describeReceivedSpan)).toEqual([]);
          const recordedValues = receiver.spans.flatMap((span) => Object.values(span.attributes).map(String));
          expect(recordedValues.filter((value) => value.includes('river') || value.includes('thier'))).toEqual([]);
        },
      );
    },
    E2E_TIMEOUT_MS,
  );
});
