import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SpanKind, metrics, trace } from '@opentelemetry/api';
import { TestMetrics } from '@huleedu/nest-tracing-testing';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { createRequire } from 'node:module';
import { startHttpApp } from './fixtures/http-app.js';
import type { Adapter, HttpTestApp } from './fixtures/http-app.js';

/** Starting or closing the Nest app and its HTTP server: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

// In a service, instrumentation-http patches node:http through a require/import hook when an
// instrumentation.ts is preloaded. Jest loads modules itself, so the hook never fires here: apply the
// same patch function the hook would call, to the real node:http module, as the preload would.
const instrumentation = new HttpInstrumentation();
const nodeHttp = createRequire(import.meta.url)('node:http') as { request: { __wrapped?: boolean } };
for (const definition of instrumentation.getModuleDefinitions()) {
  if (definition.name === 'http') definition.patch?.(nodeHttp, process.versions.node);
}

describe.each<Adapter>(['express', 'fastify'])('with @opentelemetry/instrumentation-http active (%s)', (adapter) => {
  let http: HttpTestApp;

  beforeAll(async () => {
    http = await startHttpApp(adapter);
    instrumentation.setTracerProvider(trace.getTracerProvider());
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => http.app.close(), HOOK_TIMEOUT_MS);
  beforeEach(() => http.spans.reset());

  it('is really patching node:http', () => {
    expect(nodeHttp.request.__wrapped).toBe(true);
  });

  it('enriches its SERVER span instead of making a second one', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/5`, { headers: { 'x-correlation-id': 'corr-ih-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('corr-ih-1');
    await http.spans.waitFor((spans) => spans.some((span) => span.kind === SpanKind.SERVER));
    const servers = http.spans.find({ kind: SpanKind.SERVER });
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http');
    expect(server.name).toBe('GET /api/v1/essays/:id');
    expect(server).toHaveAttributes({
      'http.route': '/api/v1/essays/:id',
      correlation_id: 'corr-ih-1',
      'http.response.status_code': 200,
    });
    expect(http.spans.one('api-gateway.EssayStore.find')).toBeChildOf(server);
  });

  it('still adds user.id after guards', async () => {
    await fetch(`${http.url}/api/v1/essays`, {
      method: 'POST',
      headers: { authorization: 'Bearer teacher-token', 'content-type': 'application/json' },
      body: '{}',
    });
    await http.spans.waitFor((spans) => spans.some((span) => span.kind === SpanKind.SERVER));
    expect(http.spans.one({ kind: SpanKind.SERVER })).toHaveAttributes({ 'user.id': 'user-teacher-1' });
  });
});

describe('with instrumentation-http recording http.server.request.duration itself (metrics: true)', () => {
  let http: HttpTestApp;

  beforeAll(async () => {
    // sampled out at the root: instrumentation-http's SERVER span does not record, so it is not adopted
    http = await startHttpApp('express', {}, { ratio: 0, parentBased: false }, undefined, undefined, true);
    instrumentation.setTracerProvider(trace.getTracerProvider());
    instrumentation.setMeterProvider(metrics.getMeterProvider());
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => http.app.close(), HOOK_TIMEOUT_MS);

  it('leaves the metric to it: one value per request, never a second from nest-tracing', async () => {
    const testMetrics = http.app.get(TestMetrics);
    await testMetrics.reset();
    expect((await fetch(`${http.url}/api/v1/essays/5`)).status).toBe(200);
    expect((await fetch(`${http.url}/api/v1/essays/6`)).status).toBe(200);
    const points = await testMetrics.histogram('http.server.request.duration');
    expect(points.map((point) => point.scope)).toEqual(['@opentelemetry/instrumentation-http']);
    expect(points).toHaveDataPoint({ 'http.request.method': 'GET', 'http.response.status_code': 200 }, 2);
  });
});

afterAll(() => {
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name === 'http') definition.unpatch?.(nodeHttp, process.versions.node);
  }
  instrumentation.disable();
});
