import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import type { EachMessagePayload } from 'kafkajs';
import { correlationId, injectTraceContext } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { traceKafkaHandler } from '@huleedu/nest-tracing-kafka';

/** A kafkajs `eachMessage` payload as the consumer hands it over: Buffers, no trace context, a correlation id. */
function payload(correlation: string): EachMessagePayload {
  return {
    topic: 'essay.uploaded',
    partition: 0,
    message: {
      key: Buffer.from('essay-1'),
      value: Buffer.from('{"essay_id":"essay-1"}'),
      timestamp: '1765000000000',
      attributes: 0,
      offset: '7',
      headers: { correlation_id: Buffer.from(correlation) },
    },
    heartbeat: () => Promise.resolve(),
    pause: () => () => undefined,
  };
}

describe('the Kafka consumer under head sampling that drops the new trace (ratio 0)', () => {
  let moduleRef: TestingModule;
  let spans: TestSpans;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'kafka-sampling-spec', sampling: { ratio: 0 } })],
    }).compile();
    await moduleRef.init();
    spans = moduleRef.get(TestSpans);
  });
  afterAll(async () => moduleRef.close());

  it("runs the handler in the dropped trace's context, with the message's correlation id, and records nothing", async () => {
    const handler = traceKafkaHandler(async (_payload: EachMessagePayload) => {
      await Promise.resolve();
      return {
        active: trace.getSpanContext(context.active()),
        correlationId: correlationId(),
        downstream: injectTraceContext({}),
      };
    });
    const seen = await handler(payload('corr-dropped-kafka'));
    expect(seen.active?.traceFlags).toBe(TraceFlags.NONE);
    expect(trace.isSpanContextValid(seen.active!)).toBe(true);
    expect(seen.correlationId).toBe('corr-dropped-kafka');
    // the dropped trace goes on as dropped, with the correlation id
    expect(seen.downstream).toMatchObject({
      traceparent: `00-${seen.active!.traceId}-${seen.active!.spanId}-00`,
      correlation_id: 'corr-dropped-kafka',
    });
    expect(spans.all()).toEqual([]);
  });

  it("gives the caller the handler's own value, error and rejection", async () => {
    const failure = new Error('spellchecker unavailable');
    await expect(traceKafkaHandler(async (_payload: EachMessagePayload) => 42)(payload('corr-a'))).resolves.toBe(42);
    await expect(
      traceKafkaHandler(async (_payload: EachMessagePayload) => {
        throw failure;
      })(payload('corr-b')),
    ).rejects.toBe(failure);
    expect(() =>
      traceKafkaHandler((_payload: EachMessagePayload) => {
        throw failure;
      })(payload('corr-c')),
    ).toThrow(failure);
    expect(spans.all()).toEqual([]);
  });
});
