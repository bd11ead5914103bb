import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Injectable, Module, SetMetadata } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import CircuitBreaker from 'opossum';
import { Traced, TracingConfigError } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { ResilienceTracingModule, TracedCircuitBreaker, callThrough } from '@huleedu/nest-tracing-resilience';

/** A real downstream on loopback that answers 503 until told otherwise. */
class FailingDownstream {
  status = 503;
  private readonly server: Server = createServer((_request, response) => response.writeHead(this.status).end());
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const downstream = new FailingDownstream();

@Injectable()
class ContentStoreClient {
  @Traced('content.fetch')
  @TracedCircuitBreaker('content-store')
  async fetchContent(): Promise<string> {
    const response = await fetch(`${downstream.url}/content`);
    await response.body?.cancel();
    if (!response.ok) throw new Error(`content store answered ${response.status}`);
    return 'content';
  }
}

@Controller('essays')
class EssaysController {
  constructor(private readonly client: ContentStoreClient) {}

  @Get()
  @HttpCode(200)
  async read(): Promise<{ text: string }> {
    return { text: await this.client.fetchContent() };
  }
}

@Module({
  imports: [
    ResilienceTracingModule.forRoot({
      policies: {
        'content-store': new CircuitBreaker(callThrough, {
          volumeThreshold: 1,
          errorThresholdPercentage: 1,
          resetTimeout: 60_000,
        }),
      },
    }),
  ],
  controllers: [EssaysController],
  providers: [ContentStoreClient],
})
class EssaysModule {}

describe('a breaker opened by a failing downstream over real HTTP', () => {
  let app: INestApplication;
  let spans: TestSpans;
  let baseUrl: string;

  beforeAll(async () => {
    await downstream.start();
    const moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'gateway-service' }), EssaysModule],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    spans = moduleRef.get(TestSpans);
    spans.reset();
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await downstream.stop();
  }, 30_000);

  it('puts the open event in the trace of the request that tripped it, and rejects the next request without calling', async () => {
    const tripping = await fetch(`${baseUrl}/essays`, { headers: { 'x-correlation-id': 'corr-trip' } });
    expect(tripping.status).toBe(500);
    await spans.waitFor((done) => done.some((span) => span.kind === SpanKind.SERVER));
    const trippingServer = spans.one({ kind: SpanKind.SERVER });
    const breakerSpan = spans.one('resilience.content-store');
    expect(breakerSpan).toBeInSameTrace(trippingServer);
    expect(breakerSpan).toHaveAttributes({
      'resilience.circuit.state': 'closed',
      'resilience.outcome': 'failure',
      correlation_id: 'corr-trip',
    });
    expect(breakerSpan).toBeChildOf(spans.one('content.fetch'));
    const client = spans.one({ kind: SpanKind.CLIENT, attributes: { 'url.path': '/content' } });
    expect(client).toBeChildOf(breakerSpan);
    expect(client).toHaveAttributes({ 'http.response.status_code': 503 });
    const openEvents = spans
      .inTrace(trippingServer)
      .flatMap((span) =>
        span.events.map((event) => [span.name, event.name, event.attributes?.['resilience.circuit.state']]),
      );
    expect(openEvents).toContainEqual(['resilience.content-store', 'resilience.circuit.state_change', 'open']);
    spans.reset();

    const rejected = await fetch(`${baseUrl}/essays`);
    expect(rejected.status).toBe(500);
    await spans.waitFor((done) => done.some((span) => span.kind === SpanKind.SERVER));
    const rejectedSpan = spans.one('resilience.content-store');
    expect(rejectedSpan).toHaveAttributes({
      'resilience.circuit.state': 'open',
      'resilience.outcome': 'short_circuited',
      'error.type': 'circuit_open',
    });
    expect(spans.find({ kind: SpanKind.CLIENT, attributes: { 'url.path': '/content' } })).toEqual([]);
    expect(spans.childrenOf(rejectedSpan)).toEqual([]);
  });
});

describe('ResilienceTracingModule start-up checks', () => {
  @Injectable()
  class Unregistered {
    @TracedCircuitBreaker('nowhere')
    async call(): Promise<string> {
      return 'never';
    }
  }

  it('fails when a decorated method names a breaker nobody registered', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ResilienceTracingModule.forRoot({ policies: {} })],
      providers: [Unregistered],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/'nowhere' \(Unregistered\.call\)[\s\S]*Potential solutions/);
  });

  it('fails when a registered opossum breaker is not built on callThrough', async () => {
    const own = new CircuitBreaker(async () => 'own action');
    const moduleRef = await Test.createTestingModule({
      imports: [ResilienceTracingModule.forRoot({ policies: { own } })],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(TracingConfigError);
    own.shutdown();
  });

  it('keeps the metadata of Nest decorators above and below it, and the name and length of the method', () => {
    class Decorated {
      @SetMetadata('above', 'kept')
      @TracedCircuitBreaker('metadata')
      @SetMetadata('below', 'kept')
      @Get('essays')
      async read(_id: string, _user: string): Promise<string> {
        return 'read';
      }
    }
    const method = Decorated.prototype.read;
    expect([method.name, method.length]).toEqual(['read', 2]);
    expect(Reflect.getMetadata('above', method)).toBe('kept');
    expect(Reflect.getMetadata('below', method)).toBe('kept');
    expect(Reflect.getMetadata('path', method)).toBe('essays');
  });

  it('throws a configuration error when a decorated method runs without the module', async () => {
    await expect(async () => new Unregistered().call()).rejects.toThrow(/'nowhere', which is not registered/);
  });
});
