import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Inject } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, MessagePattern, Payload, ServerKafka } from '@nestjs/microservices';
import type { ClientKafka } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Observable, TimeoutError, firstValueFrom, lastValueFrom, timeout, toArray } from 'rxjs';
import { Traced, traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TraceKafka, TracedClientKafka, traceMicroservice } from '@huleedu/nest-tracing-kafka';
import { startKafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';
import type { KafkaTestBroker } from '../../../tools/kafka-broker/kafka-test-broker.js';

/** Starting and stopping brokers, transports and Nest apps on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 60_000;

const CLIENT = Symbol('KAFKA_CLIENT');
const TOPICS = [
  'essay.slow',
  'essay.slow.reply',
  'essay.checked',
  'essay.failing',
  'essay.count',
  'essay.words',
  'essay.words.reply',
  'essay.count.reply',
];

async function waitForSpan(spans: TestSpans, name: string) {
  await spans.waitFor((finished) => finished.some((span) => span.name === name), 15_000);
  return spans.one(name);
}

class EssayEvents {
  received: unknown[] = [];
  done?: () => void;
  waitFor(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.done = () => {
        if (this.received.length >= count) resolve();
      };
      this.done();
    });
  }
}

@Controller()
class EssayHandlers {
  constructor(@Inject(EssayEvents) private readonly events: EssayEvents) {}

  @EventPattern<string>('essay.checked')
  @TraceKafka({ attributes: (event: { essayId: string }) => ({ essay_id: event.essayId }) })
  async checked(@Payload() event: { essayId: string }, @Ctx() _ctx: KafkaContext): Promise<void> {
    await traceOperation('essay.store', async () => undefined);
    this.events.received.push(event);
    this.events.done?.();
  }

  @TraceKafka()
  @EventPattern<string>('essay.failing')
  failing(@Payload() event: unknown): void {
    this.events.received.push(event);
    this.events.done?.();
    // fails once: kafkajs redelivers the message, and the second delivery succeeds
    if (this.events.received.length === 1) throw new TypeError('cannot handle this essay');
  }

  @MessagePattern<string>('essay.count')
  @TraceKafka()
  count(@Payload() event: { text: string }): { words: number } {
    return { words: event.text.split(/\s+/).length };
  }

  @MessagePattern<string>('essay.slow')
  @TraceKafka()
  async slow(@Payload() event: { delayMs: number }): Promise<{ done: boolean }> {
    await new Promise((resolve) => setTimeout(resolve, event.delayMs));
    return { done: true };
  }

  @MessagePattern<string>('essay.words')
  @TraceKafka()
  words(@Payload() event: { text: string }): Observable<string> {
    return new Observable((subscriber) => {
      for (const word of event.text.split(/\s+/)) subscriber.next(word);
      subscriber.complete();
    });
  }
}

class Publisher {
  constructor(@Inject(CLIENT) readonly client: ClientKafka) {}

  @Traced('essay.publish')
  publish(essayId: string): Promise<unknown> {
    return lastValueFrom(this.client.emit('essay.checked', { essayId }), { defaultValue: undefined });
  }
}

describe('Nest Kafka transport: traceMicroservice, @TraceKafka and TracedClientKafka', () => {
  let broker: KafkaTestBroker;
  let moduleRef: TestingModule;
  let microservice: INestMicroservice;
  let spans: TestSpans;
  let client: ClientKafka;
  let events: EssayEvents;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ topics: TOPICS });
    const run = randomUUID().slice(0, 8);
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'essay-service' })],
      controllers: [EssayHandlers],
      providers: [
        EssayEvents,
        Publisher,
        {
          provide: CLIENT,
          useFactory: () =>
            new TracedClientKafka({
              client: { clientId: `client-${run}`, brokers: broker.brokers, logLevel: 0 },
              consumer: { groupId: `client-${run}`, sessionTimeout: 6000, heartbeatInterval: 500 },
            }),
        },
      ],
    }).compile();
    microservice = moduleRef.createNestMicroservice({
      strategy: traceMicroservice(
        new ServerKafka({
          client: { clientId: `server-${run}`, brokers: broker.brokers, logLevel: 0 },
          consumer: { groupId: `server-${run}`, sessionTimeout: 6000, heartbeatInterval: 500 },
        }),
      ),
      logger: false,
    });
    await microservice.listen();
    client = moduleRef.get(CLIENT);
    client.subscribeToResponseOf('essay.count');
    client.subscribeToResponseOf('essay.words');
    client.subscribeToResponseOf('essay.slow');
    await client.connect();
    events = moduleRef.get(EssayEvents);
    spans = moduleRef.get(TestSpans);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await client?.close();
    await microservice?.close();
    await moduleRef?.close();
    await broker?.stop();
  }, HOOK_TIMEOUT_MS);

  beforeEach(() => {
    spans.reset();
    events.received = [];
  });

  it('emit -> event handler: one trace, one CONSUMER span (the hook span, enriched by @TraceKafka), child of the PRODUCER span', async () => {
    const arrived = events.waitFor(1);
    await withCorrelationId('corr-emit', () => moduleRef.get(Publisher).publish('essay-42'));
    await arrived;
    await waitForSpan(spans, 'kafka.consume.essay.checked');

    const producer = spans.one('kafka.produce.essay.checked');
    const consumers = spans.byName('kafka.consume.essay.checked');
    expect(consumers).toHaveLength(1);
    const [consumer] = consumers;
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(producer).toBeChildOf(spans.one('essay.publish'));
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer).toBeChildOf(producer);
    expect(consumer).toHaveAttributes({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'essay.checked',
      correlation_id: 'corr-emit',
      essay_id: 'essay-42',
    });
    expect(String(consumer.attributes['messaging.consumer.group.name'])).toMatch(/^server-.*-server$/);
    expect(spans.one('essay.store')).toBeChildOf(consumer);
    expect(spans.one('essay.store')).toHaveAttributes({ correlation_id: 'corr-emit' });
    expect(events.received).toEqual([{ essayId: 'essay-42' }]);
  });

  it('records a throwing event handler on its CONSUMER span, and the server keeps working', async () => {
    client.emit('essay.failing', { essayId: 'bad' });
    await spans.waitFor(
      (finished) => finished.filter((span) => span.name === 'kafka.consume.essay.failing').length >= 2,
      15_000,
    );
    const [failed, redelivered] = spans.byName('kafka.consume.essay.failing');
    expect(failed).toHaveStatus('error');
    expect(failed).toHaveAttributes({ 'error.type': 'TypeError', 'operation.result': 'error' });
    expect(failed.events.filter((event) => event.name === 'exception')).toHaveLength(1);
    expect(redelivered).toHaveAttributes({ 'operation.result': 'success' });
    expect(redelivered.attributes['messaging.kafka.offset']).toBe(failed.attributes['messaging.kafka.offset']);

    events.received = [];
    const next = events.waitFor(1);
    client.emit('essay.checked', { essayId: 'after-failure' });
    await next;
    expect(events.received).toEqual([{ essayId: 'after-failure' }]);
  });

  it('send -> reply: a CLIENT span over the round trip, the handler CONSUMER span its child, the reply carrying its context', async () => {
    const reply = await withCorrelationId('corr-send', () =>
      firstValueFrom(client.send<{ words: number }>('essay.count', { text: 'three short words' })),
    );
    expect(reply).toEqual({ words: 3 });
    const request = await waitForSpan(spans, 'kafka.request.essay.count');
    const consumer = spans.one('kafka.consume.essay.count');
    expect(request.kind).toBe(SpanKind.CLIENT);
    expect(consumer).toBeChildOf(request);
    expect(consumer).toHaveAttributes({ correlation_id: 'corr-send' });
    expect(request).toHaveAttributes({ 'operation.result': 'success' });

    // the reply message itself carries the handler's context
    const kafka = new Kafka({ clientId: 'reply-reader', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const reader = kafka.consumer({ groupId: `reply-reader-${randomUUID()}`, sessionTimeout: 6000 });
    await reader.connect();
    await reader.subscribe({ topic: 'essay.count.reply', fromBeginning: true });
    const traceparent = await new Promise<string | undefined>((resolve) => {
      void reader.run({ eachMessage: async ({ message }) => resolve(message.headers?.traceparent?.toString()) });
    });
    await reader.disconnect();
    expect(traceparent).toBe(`00-${consumer.spanContext().traceId}-${consumer.spanContext().spanId}-01`);
  });

  it('send with a timeout: the CLIENT span ends as cancelled when no reply came in time', async () => {
    await expect(
      firstValueFrom(client.send('essay.slow', { delayMs: 1500 }).pipe(timeout(200))),
    ).rejects.toBeInstanceOf(TimeoutError);
    const request = await waitForSpan(spans, 'kafka.request.essay.slow');
    expect(request).toHaveAttributes({ 'operation.result': 'cancelled' });
    // the handler still finishes, in the requester's trace
    const consumer = await waitForSpan(spans, 'kafka.consume.essay.slow');
    expect(consumer).toBeChildOf(request);
  });

  it('a multi-emission Observable handler: every value reaches the requester and the span ends once', async () => {
    const words = await lastValueFrom(client.send<string>('essay.words', { text: 'a b c' }).pipe(toArray()));
    expect(words).toEqual(['a', 'b', 'c']);
    await waitForSpan(spans, 'kafka.request.essay.words');
    expect(spans.byName('kafka.consume.essay.words')).toHaveLength(1);
    spans.assertLifecycle();
  });
});
