import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Inject, Injectable } from '@nestjs/common';
import type { INestMicroservice, Type } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { ClientProxy, CustomTransportStrategy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { traceClientProxy, traceMicroservice } from '@huleedu/nest-tracing-kafka';
import type { MessagingSystem, ProcessingHooksServer } from '@huleedu/nest-tracing-kafka';
import { SEMCONV_CASES, applySemconvCase, expectMessagingNames, resetSemconv } from './semconv-modes.js';

/** Starting and stopping brokers, transports and Nest apps on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 60_000;

type TransportClient = Pick<ClientProxy, 'connect' | 'close' | 'emit' | 'send'>;

export interface TransportSemconv {
  title: string;
  system: MessagingSystem;
  server: () => ProcessingHooksServer & CustomTransportStrategy;
  client: () => TransportClient;
  /** An event pattern and a request pattern of this run. */
  patterns: { event: string; request: string };
}

@Injectable()
class Deliveries {
  count = 0;
  private waiters: Array<() => void> = [];

  arrived(): void {
    this.count += 1;
    for (const wake of this.waiters.splice(0)) wake();
  }

  async until(count: number): Promise<void> {
    while (this.count < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

function handlers(patterns: TransportSemconv['patterns']): Type<unknown> {
  @Controller()
  class EssayHandlers {
    constructor(@Inject(Deliveries) private readonly deliveries: Deliveries) {}

    @EventPattern<string>(patterns.event)
    checked(@Payload() _event: unknown): void {
      this.deliveries.arrived();
    }

    @MessagePattern<string>(patterns.request)
    count(@Payload() request: { text: string }): { words: number } {
      return { words: request.text.split(/\s+/).length };
    }
  }
  return EssayHandlers;
}

/**
 * Every way of choosing the messaging names (default, the variable with `messaging` and
 * `messaging/dup`, the module option over the variable) on one transport: the PRODUCER, CLIENT and
 * CONSUMER spans of an emit and a send carry exactly the names the mode asks for.
 */
export function describeTransportSemconv(transport: TransportSemconv): void {
  const { system, patterns } = transport;

  describe(transport.title, () => {
    let moduleRef: TestingModule;
    let microservice: INestMicroservice;
    let client: TransportClient;
    let deliveries: Deliveries;
    let spans: TestSpans;

    beforeAll(async () => {
      moduleRef = await Test.createTestingModule({
        imports: [TracingTestingModule.forRoot({ serviceName: 'essay-service' })],
        controllers: [handlers(patterns)],
        providers: [Deliveries],
      }).compile();
      microservice = moduleRef.createNestMicroservice({
        strategy: traceMicroservice(transport.server()),
        logger: false,
      });
      await microservice.listen();
      client = traceClientProxy(transport.client());
      await client.connect();
      deliveries = moduleRef.get(Deliveries);
      spans = moduleRef.get(TestSpans);
    }, HOOK_TIMEOUT_MS);

    afterAll(async () => {
      resetSemconv();
      await client?.close();
      await microservice?.close();
      await moduleRef?.close();
    }, HOOK_TIMEOUT_MS);

    beforeEach(() => {
      spans.reset();
      deliveries.count = 0;
    });

    for (const semconvCase of SEMCONV_CASES) {
      it(`${semconvCase.title}: ${semconvCase.mode} names on PRODUCER, CLIENT and CONSUMER spans`, async () => {
        applySemconvCase(semconvCase);
        await lastValueFrom(client.emit(patterns.event, { essayId: 'essay-1' }), { defaultValue: undefined });
        await deliveries.until(1);
        expect(await firstValueFrom(client.send(patterns.request, { text: 'two words' }))).toEqual({ words: 2 });
        const consumeEvent = `${system}.consume.${patterns.event}`;
        const consumeRequest = `${system}.consume.${patterns.request}`;
        await spans.waitFor(
          (finished) => [consumeEvent, consumeRequest].every((name) => finished.some((span) => span.name === name)),
          10_000,
        );

        const producer = spans.one(`${system}.produce.${patterns.event}`);
        const request = spans.one(`${system}.request.${patterns.request}`);
        expect([producer.kind, request.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CLIENT]);
        const common = { 'messaging.system': system };
        expectMessagingNames(producer, semconvCase.mode, {
          ...common,
          'messaging.operation.type': 'send',
          'messaging.destination.name': patterns.event,
        });
        expectMessagingNames(request, semconvCase.mode, { ...common, 'messaging.destination.name': patterns.request });
        for (const [name, destination] of [
          [consumeEvent, patterns.event],
          [consumeRequest, patterns.request],
        ] as const) {
          expectMessagingNames(spans.one(name), semconvCase.mode, {
            ...common,
            'messaging.operation.type': 'process',
            'messaging.destination.name': destination,
          });
        }
      });
    }
  });
}
