import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Inject } from '@nestjs/common';
import type { INestMicroservice, Type } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { ClientProxy, CustomTransportStrategy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { Traced, traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { TestMetrics, TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TraceMessage, traceClientProxy, traceMicroservice } from '@huleedu/nest-tracing-kafka';
import type { MessagingSystem, ProcessingHooksServer } from '@huleedu/nest-tracing-kafka';

/** Starting and stopping brokers, transports and Nest apps on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 60_000;

/** The patterns (topics, subjects, channels, routing keys) the round-trip suite sends to. */
export interface RoundTripPatterns {
  /** An event the handler stores. */
  event: string;
  /** An event whose handler throws. */
  failing: string;
  /** A request the handler answers. */
  request: string;
}

/** What the suite uses of a transport's client (`ClientRMQ`, `ClientNats`, ...). */
type TransportClient = Pick<ClientProxy, 'connect' | 'close' | 'emit' | 'send'>;

export interface TransportRoundTrip {
  /** The describe block's title. */
  title: string;
  /** The `messaging.system` the spans carry; also the span name prefix (`<system>.consume.<pattern>`). */
  system: MessagingSystem;
  /** A new, untraced server of the transport; wrapped in `traceMicroservice` by the suite. */
  server: () => ProcessingHooksServer & CustomTransportStrategy;
  /** A new, untraced client of the transport; called twice: one is traced, the other stays untraced. */
  client: () => TransportClient;
  patterns: RoundTripPatterns;
  /** What carries the trace context on this transport, in the untraced-message test's name (`headers`). */
  carrier?: string;
}

/** What the handlers received, so a test can wait for a delivery. */
class Received {
  events: unknown[] = [];
  private waiters: Array<() => void> = [];

  push(event: unknown): void {
    this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  }

  async count(count: number): Promise<void> {
    while (this.events.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

/** The handlers under test, listening on the given patterns (decorators need them when the class is defined). */
function essayHandlers(patterns: RoundTripPatterns): Type<unknown> {
  @Controller()
  class EssayHandlers {
    constructor(@Inject(Received) private readonly received: Received) {}

    @EventPattern<string>(patterns.event)
    async checked(@Payload() event: { essayId: string }): Promise<void> {
      await traceOperation('essay.store', async () => undefined);
      this.received.push(event);
    }

    // Nest does not report event handler failures of this transport to the processing hooks:
    // @TraceMessage records the handler's own error on the hook's CONSUMER span
    @EventPattern<string>(patterns.failing)
    @TraceMessage()
    failing(@Payload() event: unknown): void {
      this.received.push(event);
      throw new TypeError('cannot handle this essay');
    }

    @MessagePattern<string>(patterns.request)
    @Traced('essay.count_words')
    count(@Payload() request: { text: string }): { words: number } {
      return { words: request.text.split(/\s+/).length };
    }
  }
  return EssayHandlers;
}

async function waitForSpan(spans: TestSpans, name: string) {
  await spans.waitFor((finished) => finished.some((span) => span.name === name), 10_000);
  return spans.one(name);
}

/**
 * The round trip every Nest microservice transport must pass with `traceMicroservice` and `traceClientProxy`
 * on a real broker or server: emit, send, a failing event handler, and a message without trace context.
 * Call it at the top level of a spec file, so jest sees the describe block when it loads the file.
 */
export function describeTransportRoundTrip(transport: TransportRoundTrip): void {
  const { system, patterns, carrier = 'headers' } = transport;
  const { event: EVENT, failing: FAILING, request: REQUEST } = patterns;

  describe(transport.title, () => {
    let moduleRef: TestingModule;
    let microservice: INestMicroservice;
    let rawClient: TransportClient;
    let untracedClient: TransportClient;
    let client: TransportClient;
    let received: Received;
    let spans: TestSpans;

    beforeAll(async () => {
      moduleRef = await Test.createTestingModule({
        imports: [TracingTestingModule.forRoot({ serviceName: 'essay-service', metrics: true })],
        controllers: [essayHandlers(patterns)],
        providers: [Received],
      }).compile();
      microservice = moduleRef.createNestMicroservice({
        strategy: traceMicroservice(transport.server()),
        logger: false,
      });
      await microservice.listen();
      rawClient = transport.client();
      untracedClient = transport.client();
      client = traceClientProxy(rawClient);
      await client.connect();
      await untracedClient.connect();
      received = moduleRef.get(Received);
      spans = moduleRef.get(TestSpans);
    }, HOOK_TIMEOUT_MS);

    afterAll(async () => {
      await client?.close();
      await untracedClient?.close();
      await microservice?.close();
      await moduleRef?.close();
    }, HOOK_TIMEOUT_MS);

    beforeEach(() => {
      spans.reset();
      received.events = [];
    });

    it('emit: a PRODUCER span and its child CONSUMER span in one trace, the handler span under it, the correlation id carried', async () => {
      await withCorrelationId('corr-1', () =>
        lastValueFrom(client.emit(EVENT, { essayId: 'essay-1' }), { defaultValue: undefined }),
      );
      await received.count(1);
      const consumer = await waitForSpan(spans, `${system}.consume.${EVENT}`);
      const producer = spans.one(`${system}.produce.${EVENT}`);

      expect(received.events).toEqual([{ essayId: 'essay-1' }]);
      expect(spans).toHaveSpanCount(1, `${system}.produce.${EVENT}`);
      expect(spans).toHaveSpanCount(1, `${system}.consume.${EVENT}`);
      expect(producer.kind).toBe(SpanKind.PRODUCER);
      expect(consumer.kind).toBe(SpanKind.CONSUMER);
      expect(consumer).toBeInSameTrace(producer);
      expect(consumer).toBeChildOf(producer);
      expect(producer).toHaveAttributes({
        'messaging.system': system,
        'messaging.destination.name': EVENT,
        correlation_id: 'corr-1',
      });
      expect(consumer).toHaveAttributes({
        'messaging.system': system,
        'messaging.destination.name': EVENT,
        correlation_id: 'corr-1',
        'operation.result': 'success',
      });
      const store = spans.one('essay.store');
      expect(store).toBeChildOf(consumer);
      expect(store).toHaveAttributes({ correlation_id: 'corr-1' });
      spans.assertLifecycle();
    });

    it('metrics: messaging.process.duration per handled message (with the error.type the span has), messaging.client.operation.duration per emit', async () => {
      const testMetrics = moduleRef.get(TestMetrics);
      await testMetrics.reset();
      await lastValueFrom(client.emit(EVENT, { essayId: 'essay-m1' }), { defaultValue: undefined });
      await lastValueFrom(client.emit(FAILING, { essayId: 'essay-m2' }), { defaultValue: undefined });
      await waitForSpan(spans, `${system}.consume.${EVENT}`);
      await waitForSpan(spans, `${system}.consume.${FAILING}`);

      const processed = await testMetrics.histogram('messaging.process.duration');
      const base = { 'messaging.system': system, 'messaging.operation.name': 'process' };
      expect(processed).toHaveDataPoint({ ...base, 'messaging.destination.name': EVENT }, 1);
      expect(processed).toHaveDataPoint(
        { ...base, 'messaging.destination.name': FAILING, 'error.type': 'TypeError' },
        1,
      );
      const sent = await testMetrics.histogram('messaging.client.operation.duration');
      expect(sent).toHaveDataPoint(
        { 'messaging.system': system, 'messaging.operation.name': 'send', 'messaging.destination.name': EVENT },
        1,
      );
      const values = [...processed, ...sent].flatMap((point) => Object.values(point.attributes));
      expect(values).not.toContain('essay-m1');
    });

    it('send: a CLIENT span over the round trip, the CONSUMER span its child, the reply unchanged', async () => {
      const reply = await withCorrelationId('corr-2', () =>
        firstValueFrom(client.send<{ words: number }>(REQUEST, { text: 'three short words' })),
      );
      expect(reply).toEqual({ words: 3 });
      const request = await waitForSpan(spans, `${system}.request.${REQUEST}`);
      const consumer = await waitForSpan(spans, `${system}.consume.${REQUEST}`);

      expect(request.kind).toBe(SpanKind.CLIENT);
      expect(request).toHaveAttributes({ 'messaging.system': system, 'operation.result': 'success' });
      expect(consumer.kind).toBe(SpanKind.CONSUMER);
      expect(consumer).toBeChildOf(request);
      expect(consumer).toHaveAttributes({
        'messaging.system': system,
        'messaging.destination.name': REQUEST,
        correlation_id: 'corr-2',
      });
      expect(spans.one('essay.count_words')).toBeChildOf(consumer);
      spans.assertLifecycle();
    });

    it('an event handler that throws: the CONSUMER span has ERROR status and the server keeps working', async () => {
      await lastValueFrom(client.emit(FAILING, { essayId: 'bad' }), { defaultValue: undefined });
      await received.count(1);
      const failed = await waitForSpan(spans, `${system}.consume.${FAILING}`);
      expect(failed).toHaveStatus('error');
      expect(failed).toHaveRecordedException('TypeError');
      expect(failed).toHaveAttributes({ 'error.type': 'TypeError' });
      expect(failed).toHaveAttributes({ 'operation.result': 'error' });

      await lastValueFrom(client.emit(EVENT, { essayId: 'after-failure' }), { defaultValue: undefined });
      await received.count(2);
      expect(received.events).toEqual([{ essayId: 'bad' }, { essayId: 'after-failure' }]);
      expect(await waitForSpan(spans, `${system}.consume.${EVENT}`)).toHaveStatus('unset');
      expect(await firstValueFrom(client.send(REQUEST, { text: 'still here' }))).toEqual({ words: 2 });
    });

    it(`a message without trace ${carrier} starts a new trace, without error`, async () => {
      await lastValueFrom(untracedClient.emit(EVENT, { essayId: 'no-headers' }), { defaultValue: undefined });
      await received.count(1);
      const consumer = await waitForSpan(spans, `${system}.consume.${EVENT}`);

      expect(received.events).toEqual([{ essayId: 'no-headers' }]);
      expect(consumer.parentSpanContext).toBeUndefined();
      expect(consumer).not.toHaveStatus('error');
      expect(consumer.attributes['correlation_id']).toBeUndefined();
      expect(spans.one('essay.store')).toBeChildOf(consumer);
      expect(spans.byName(/produce/)).toHaveLength(0);
    });
  });
}
