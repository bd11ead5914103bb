import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ServerSpanMiddleware } from '../src/http/server-span.middleware.js';
import { startHttpApp } from './fixtures/http-app.js';
import type { Adapter, HttpTestApp } from './fixtures/http-app.js';

/** Starting or closing the Nest app and its HTTP server: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe.each<Adapter>(['express', 'fastify'])('HTTP server spans (%s)', (adapter) => {
  let http: HttpTestApp;

  beforeAll(async () => {
    http = await startHttpApp(adapter, {
      captureRequestHeaders: ['x-request-id'],
      captureResponseHeaders: ['content-type'],
    });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => http.app.close(), HOOK_TIMEOUT_MS);
  beforeEach(() => http.spans.reset());

  const serverSpans = (): ReadableSpan[] => http.spans.find({ kind: SpanKind.SERVER });

  async function settled(count = 1): Promise<ReadableSpan> {
    await http.spans.waitFor((spans) => spans.filter((s) => s.kind === SpanKind.SERVER).length >= count);
    return serverSpans()[0];
  }

  it('makes one SERVER span named after the route template, with semantic-convention attributes', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/42?page=2&token=secret`, {
      headers: { 'user-agent': 'spec', 'x-request-id': 'req-1', authorization: 'Bearer x' },
    });
    expect(response.status).toBe(200);
    const span = await settled();
    expect(serverSpans()).toHaveLength(1);
    expect(span.name).toBe('GET /api/v1/essays/:id');
    expect(span).toHaveAttributes({
      'http.request.method': 'GET',
      'http.route': '/api/v1/essays/:id',
      'url.path': '/api/v1/essays/42',
      'url.scheme': 'http',
      'url.query': 'page=2&token=REDACTED',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'user_agent.original': 'spec',
      'http.request.header.x-request-id': ['req-1'],
      'operation.type': 'server',
      'operation.result': 'success',
    });
    expect(span.attributes['http.response.header.content-type']).toEqual([expect.stringContaining('application/json')]);
    expect(span.attributes['client.address']).toMatch(/127\.0\.0\.1/);
    expect(Object.keys(span.attributes).some((key) => key.includes('authorization'))).toBe(false);
    expect(http.spans.one('api-gateway.EssayStore.find')).toBeChildOf(span);
  });

  it('continues the caller trace from traceparent', async () => {
    await fetch(`${http.url}/api/v1/essays/7`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } });
    const span = await settled();
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
  });

  it('takes the correlation id from X-Correlation-ID, puts it on every span and echoes it', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/8`, { headers: { 'X-Correlation-ID': 'corr-http-1' } });
    expect(response.headers.get('x-correlation-id')).toBe('corr-http-1');
    await settled();
    for (const span of http.spans.all()) expect(span).toHaveAttributes({ correlation_id: 'corr-http-1' });
  });

  it('generates a correlation id when the request has none', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/9`);
    const generated = response.headers.get('x-correlation-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(await settled()).toHaveAttributes({ correlation_id: generated! });
  });

  it('leaves a 4xx unset and marks a 5xx as an error; the exception stays on the span it escaped from', async () => {
    expect((await fetch(`${http.url}/api/v1/essays/missing`)).status).toBe(404);
    const notFound = await settled();
    expect(notFound).toHaveStatus('unset');
    expect(notFound).toHaveAttributes({ 'http.response.status_code': 404 });
    expect(notFound.attributes['error.type']).toBeUndefined();
    http.spans.reset();
    expect((await fetch(`${http.url}/api/v1/essays/broken`)).status).toBe(500);
    const broken = await settled();
    expect(broken).toHaveStatus('error');
    expect(broken).toHaveAttributes({
      'http.response.status_code': 500,
      'error.type': '500',
      'operation.result': 'error',
    });
    expect(http.spans.one('api-gateway.EssayStore.find')).toHaveRecordedException('InternalServerErrorException');
  });

  it('records user.id after guards, and still makes exactly one span when a guard rejects', async () => {
    const created = await fetch(`${http.url}/api/v1/essays`, {
      method: 'POST',
      headers: { authorization: 'Bearer teacher-token', 'content-type': 'application/json' },
      body: '{"title":"t"}',
    });
    expect(created.status).toBe(201);
    const server = await settled();
    expect(server).toHaveAttributes({ 'user.id': 'user-teacher-1', 'http.route': '/api/v1/essays' });
    expect(http.spans.one('api-gateway.EssayStore.save')).toBeChildOf(server);
    http.spans.reset();
    expect((await fetch(`${http.url}/api/v1/essays`, { method: 'POST' })).status).toBe(403);
    const rejected = await settled();
    expect(serverSpans()).toHaveLength(1);
    expect(rejected).toHaveAttributes({ 'http.response.status_code': 403, 'http.route': '/api/v1/essays' });
    expect(rejected.attributes['user.id']).toBeUndefined();
  });

  it('names a HEAD request after the GET route that serves it', async () => {
    expect((await fetch(`${http.url}/api/v1/essays/12`, { method: 'HEAD' })).status).toBe(200);
    expect((await settled()).name).toBe('HEAD /api/v1/essays/:id');
  });

  it('names the span after the route that served the request when a static route follows a parameter route', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/latest`);
    // Express matches in declaration order, Fastify prefers static routes
    const served = adapter === 'express' ? { id: 'latest' } : { id: 'served-by-latest' };
    expect(await response.json()).toEqual(served);
    const route = adapter === 'express' ? '/api/v1/essays/:id' : '/api/v1/essays/latest';
    const span = await settled();
    expect(span.name).toBe(`GET ${route}`);
    expect(span).toHaveAttributes({ 'http.route': route });
  });

  it.each(['/nowhere/at/all', '/api/nothing/here'])(
    'names an unmatched request by its method only (%s, also under the global prefix)',
    async (path) => {
      expect((await fetch(`${http.url}${path}`)).status).toBe(404);
      const span = await settled();
      expect(span.name).toBe('GET');
      expect(span.attributes['http.route']).toBeUndefined();
    },
  );

  it('makes no span at all for ignored paths and @NoTrace() controllers, not even for what they call', async () => {
    expect((await fetch(`${http.url}/health`)).status).toBe(200);
    expect((await fetch(`${http.url}/api/internal/metrics-export`)).status).toBe(200);
    expect((await fetch(`${http.url}/api/v1/essays/10`)).status).toBe(200);
    await settled();
    // only the traced request's spans: no @Traced span and no fetch CLIENT span from the other two
    expect(
      http.spans
        .all()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['GET /api/v1/essays/:id', 'api-gateway.EssayStore.find']);
  });

  it.each([
    ['a malformed traceparent', { traceparent: '00-zz-00f067aa0ba902b7-01' }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01` }],
    ['an odd correlation id', { 'x-correlation-id': 'x'.repeat(300) }],
  ])('serves the request and starts a new trace for %s', async (_case, headers) => {
    expect((await fetch(`${http.url}/api/v1/essays/11`, { headers })).status).toBe(200);
    const span = await settled();
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes.correlation_id).not.toBe('x'.repeat(300));
  });
});

describe('HTTP tracing options', () => {
  it('answers with the trace id when asked', async () => {
    const http = await startHttpApp('express', { traceResponseHeader: 'x-trace-id' });
    try {
      const response = await fetch(`${http.url}/api/v1/essays/1`);
      await http.spans.waitFor(1);
      const span = http.spans.one({ kind: SpanKind.SERVER });
      expect(response.headers.get('x-trace-id')).toBe(span.spanContext().traceId);
    } finally {
      await http.app.close();
    }
  });

  it('makes no SERVER span under a sampled-out caller: the request continues the caller context', async () => {
    const http = await startHttpApp('express', { traceResponseHeader: 'traceparent' });
    try {
      const caller = `00-${TRACE_ID}-${PARENT_ID}-00`;
      const response = await fetch(`${http.url}/api/v1/essays/3`, {
        headers: { traceparent: caller, 'x-correlation-id': 'corr-sampled-out' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: '3' });
      expect(response.headers.get('x-correlation-id')).toBe('corr-sampled-out');
      // the context the handler ran in is the caller's: no span of ours between them
      expect(response.headers.get('traceparent')).toBe(caller);
      expect(http.spans.all()).toEqual([]);
    } finally {
      await http.app.close();
    }
  });

  it('samples per route through the span-name rules, decided when the span starts', async () => {
    const http = await startHttpApp('fastify', {}, { rules: { 'GET /api/v1/essays/:id': 0 } });
    try {
      expect((await fetch(`${http.url}/api/v1/essays/1`)).status).toBe(200);
      const created = await fetch(`${http.url}/api/v1/essays`, {
        method: 'POST',
        headers: { authorization: 'Bearer teacher-token', 'content-type': 'application/json' },
        body: '{"title":"t"}',
      });
      expect(created.status).toBe(201);
      await http.spans.waitFor(1);
      expect(http.spans.find({ kind: SpanKind.SERVER }).map((span) => span.name)).toEqual(['POST /api/v1/essays']);
      expect(http.spans.byName('api-gateway.EssayStore.find')).toHaveLength(0);
    } finally {
      await http.app.close();
    }
  });

  it('makes one SERVER span when the server-span hook runs twice for the same request', async () => {
    // mounted before the module's own, which then finds this one's SERVER span active and adopts it
    const http = await startHttpApp('express', {}, undefined, undefined, (app) => {
      const serverSpans = app.get(ServerSpanMiddleware, { strict: false });
      app.use((request: never, response: never, next: () => void) => serverSpans.use(request, response, next));
    });
    try {
      expect((await fetch(`${http.url}/api/v1/essays/3`)).status).toBe(200);
      await http.spans.waitFor((spans) => spans.some((span) => span.kind === SpanKind.SERVER));
      const [server, ...others] = http.spans.find({ kind: SpanKind.SERVER });
      expect(others).toHaveLength(0);
      expect(server.name).toBe('GET /api/v1/essays/:id');
      expect(http.spans.one('api-gateway.EssayStore.find')).toBeChildOf(server);
    } finally {
      await http.app.close();
    }
  });

  it('refuses to capture authorization at start-up, saying how to fix it', async () => {
    await expect(startHttpApp('express', { captureRequestHeaders: ['Authorization'] })).rejects.toThrow(
      /never recorded[\s\S]*Potential solutions/,
    );
  });
});
