import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Param } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { NoTrace } from '@huleedu/nest-tracing';
import type { SamplingOptions } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';

/** Starting or closing the Nest app and its HTTP server: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

@Controller('reports')
class ReportsController {
  @Get(':id')
  report(@Param('id') id: string): { id: string } {
    return { id };
  }

  @NoTrace()
  @Get('internal/ping')
  ping(): string {
    return 'pong';
  }
}

@Module({ controllers: [ReportsController] })
class AdminModule {}

/** An app whose controller is mounted under `RouterModule` paths: `/api/admin/reports/...`. */
async function startRoutedApp(
  sampling?: SamplingOptions,
): Promise<{ app: INestApplication; url: string; spans: TestSpans }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TracingTestingModule.forRoot({ serviceName: 'class-management-service', http: { client: false }, sampling }),
      AdminModule,
      RouterModule.register([{ path: 'admin', module: AdminModule }]),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.setGlobalPrefix('api');
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return { app, url, spans: app.get(TestSpans) };
}

describe('routes mounted through RouterModule', () => {
  let routed: Awaited<ReturnType<typeof startRoutedApp>>;

  beforeAll(async () => {
    routed = await startRoutedApp();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => routed.app.close(), HOOK_TIMEOUT_MS);
  beforeEach(() => routed.spans.reset());

  it('names the SERVER span after the full template, module path included, from the start', async () => {
    const response = await fetch(`${routed.url}/api/admin/reports/7`);
    expect(await response.json()).toEqual({ id: '7' });
    await routed.spans.waitFor((spans) => spans.some((span) => span.kind === SpanKind.SERVER));
    const span = routed.spans.one({ kind: SpanKind.SERVER });
    expect(span.name).toBe('GET /api/admin/reports/:id');
    expect(span).toHaveAttributes({ 'http.route': '/api/admin/reports/:id', 'url.path': '/api/admin/reports/7' });
  });

  it('makes no span for a @NoTrace() route under a module path', async () => {
    const response = await fetch(`${routed.url}/api/admin/reports/internal/ping`);
    expect(await response.text()).toBe('pong');
    // a traced request after it: once its span is in, the ping would have been too
    await fetch(`${routed.url}/api/admin/reports/8`);
    await routed.spans.waitFor((spans) => spans.some((span) => span.kind === SpanKind.SERVER));
    expect(routed.spans.all().map((span) => span.name)).toEqual(['GET /api/admin/reports/:id']);
  });
});

describe('per-route sampling under RouterModule paths', () => {
  let routed: Awaited<ReturnType<typeof startRoutedApp>>;

  beforeAll(async () => {
    routed = await startRoutedApp({ rules: { 'GET /api/admin/reports/:id': 0 } });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => routed.app.close(), HOOK_TIMEOUT_MS);

  it('applies a rule on the full template when the span starts', async () => {
    const response = await fetch(`${routed.url}/api/admin/reports/9`);
    expect(response.status).toBe(200);
    expect(routed.spans.all()).toEqual([]);
    expect(routed.spans.open()).toEqual([]);
  });
});
