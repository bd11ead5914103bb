import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Traced, TracingModule } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';

@Injectable()
class ClassService {
  @Traced()
  create(): string {
    return 'class-1';
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
  });
  afterAll(async () => {
    process.env = savedEnv;
    await new Promise((resolve) => collector.close(resolve));
  });
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
