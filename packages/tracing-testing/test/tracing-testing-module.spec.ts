import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { Test } from '@nestjs/testing';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Traced, TracingModule } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';

/** Starting or closing the stand-in OTLP collector (an HTTP server): far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

@Injectable()
class ClassService {
  @Traced()
  create(): string {
    return 'class-1';
  }
}

@Controller()
class PingController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }

  @Get('work')
  work(): string {
    return 'done';
  }
}

describe('TracingTestingModule', () => {
  let collector: Server;
  let otlpRequests = 0;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    collector = createServer((request, response) => {
      otlpRequests += 1;
      request.resume();
      response.end();
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    process.env = savedEnv;
    await new Promise((resolve) => collector.close(resolve));
  }, HOOK_TIMEOUT_MS);
  afterEach(() => expect(otlpRequests).toBe(0));

  async function compile(
    imports: unknown[],
  ): Promise<{ spans: TestSpans; close: () => Promise<void>; service: ClassService }> {
    @Module({ imports: imports as never[], providers: [ClassService] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    await moduleRef.init();
    return { spans: moduleRef.get(TestSpans), service: moduleRef.get(ClassService), close: () => moduleRef.close() };
  }

  it.each([
    ['before', (app: unknown, testing: unknown) => [testing, app]],
    ['after', (app: unknown, testing: unknown) => [app, testing]],
  ])(
    'takes over from the application TracingModule imported %s it: no export, the app naming kept',
    async (_order, arrange) => {
      const appTracing = TracingModule.forRoot({
        serviceName: 'class-management-service',
        exporter: 'otlp',
        spanProcessor: 'simple',
      });
      const { spans, service, close } = await compile(arrange(appTracing, TracingTestingModule.forRoot()));
      service.create();
      expect(spans).toHaveSpan('class-management.ClassService.create');
      await close();
    },
  );

  it.each([
    ['before', (app: unknown, testing: unknown) => [testing, app]],
    ['after', (app: unknown, testing: unknown) => [app, testing]],
  ])(
    "keeps the application's HTTP options when imported %s its TracingModule: tests see production's spans",
    async (_order, arrange) => {
      const appTracing = TracingModule.forRoot({
        serviceName: 'class-management-service',
        exporter: 'otlp',
        http: { ignorePaths: ['/api/ping'] },
      });
      @Module({
        imports: arrange(appTracing, TracingTestingModule.forRoot()) as never[],
        controllers: [PingController],
      })
      class HttpAppModule {}
      const moduleRef = await Test.createTestingModule({ imports: [HttpAppModule] }).compile();
      const app = moduleRef.createNestApplication();
      app.setGlobalPrefix('api');
      await app.listen(0, '127.0.0.1');
      try {
        const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
        expect(await (await fetch(`${url}/api/ping`)).text()).toBe('pong');
        expect(await (await fetch(`${url}/api/work`)).text()).toBe('done');
        const spans = app.get(TestSpans);
        await spans.waitFor((all) => all.some((span) => span.name === 'GET /api/work'));
        expect(
          spans
            .all()
            .filter((span) => span.kind === SpanKind.SERVER)
            .map((span) => span.name),
        ).toEqual(['GET /api/work']);
      } finally {
        await app.close();
      }
    },
  );

  it('starts each module clean when modules are created one after another', async () => {
    const first = await compile([TracingTestingModule.forRoot({ serviceName: 'first-service' })]);
    first.service.create();
    await first.close();
    const second = await compile([TracingTestingModule.forRoot({ serviceName: 'second-service' })]);
    expect(second.spans.all()).toEqual([]);
    second.service.create();
    expect(second.spans.all().map((span) => span.name)).toEqual(['second.ClassService.create']);
    await second.close();
  });
});
