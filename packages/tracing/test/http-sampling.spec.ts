import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SamplingDecision, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOnSampler, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import { TracingModule, getCorrelationId } from '@huleedu/nest-tracing';
import { RecordingSpanExporter } from '@huleedu/nest-tracing-testing';
import { startHttpApp } from './fixtures/http-app.js';
import type { Adapter, HttpTestApp } from './fixtures/http-app.js';

/** Starting or closing the Nest app and its HTTP server: far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;
const SAMPLED_PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe.each<Adapter>(['express', 'fastify'])('HTTP SERVER spans under head sampling (%s)', (adapter) => {
  let http: HttpTestApp;

  beforeAll(async () => {
    // ratio 0: every request that starts a trace is dropped; a sampled caller's trace is continued
    http = await startHttpApp(adapter, { traceResponseHeader: 'traceparent' }, { ratio: 0 });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => http.app.close(), HOOK_TIMEOUT_MS);
  beforeEach(() => http.spans.reset());

  it('a dropped request gets no span, and still its correlation id and trace context', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/3`, { headers: { 'x-correlation-id': 'corr-dropped-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('corr-dropped-1');
    // the dropped trace's context still goes back and onward: flags 00
    expect(response.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    // give a span that should not exist the time to arrive
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(http.spans.all()).toHaveLength(0);
  });

  it('a request that records gets every request attribute, set once it is known to record', async () => {
    const response = await fetch(`${http.url}/api/v1/essays/4?page=1`, {
      headers: { traceparent: SAMPLED_PARENT, 'x-correlation-id': 'corr-kept-1', 'user-agent': 'spec' },
    });
    expect(response.status).toBe(200);
    await http.spans.waitFor((spans) => spans.some((s) => s.kind === SpanKind.SERVER));
    const [span] = http.spans.find({ kind: SpanKind.SERVER });
    expect(span.name).toBe('GET /api/v1/essays/:id');
    expect(span).toHaveAttributes({
      'http.request.method': 'GET',
      'http.route': '/api/v1/essays/:id',
      'url.path': '/api/v1/essays/4',
      'url.query': 'page=1',
      'url.scheme': 'http',
      'user_agent.original': 'spec',
      correlation_id: 'corr-kept-1',
      'operation.type': 'server',
      'http.response.status_code': 200,
      'operation.result': 'success',
    });
  });
});

/** An application's sampler that decides by a start attribute, as samplers may: it must see them. */
class AttributeReadingSampler implements Sampler {
  readonly seen: Attributes[] = [];

  shouldSample(
    _context: unknown,
    _traceId: string,
    _name: string,
    kind: SpanKind,
    attributes: Attributes,
  ): SamplingResult {
    if (kind === SpanKind.SERVER) this.seen.push({ ...attributes });
    const decision =
      attributes['url.path'] === '/status'
        ? SamplingDecision.NOT_RECORD
        : new AlwaysOnSampler().shouldSample().decision;
    return { decision };
  }

  toString(): string {
    return 'AttributeReadingSampler';
  }
}

@Controller()
class RoutesController {
  @Get('status')
  status(): { ok: boolean; correlationId: string | undefined } {
    return { ok: true, correlationId: getCorrelationId() };
  }

  @Get('essays')
  essays(): string[] {
    return [];
  }
}

describe("HTTP SERVER spans on an application's provider", () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it("gives the application's sampler the request attributes at start", async () => {
    const exporter = new RecordingSpanExporter();
    const sampler = new AttributeReadingSampler();
    // what an application's own SDK start-up registers (NodeSDK does the same)
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new TracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
    );
    @Module({ imports: [TracingModule.forRoot({ serviceName: 'api-gateway' })], controllers: [RoutesController] })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const status = await fetch(`${url.replace('[::1]', '127.0.0.1')}/status`, {
      headers: { 'x-correlation-id': 'corr-status-1' },
    });
    expect(await status.json()).toEqual({ ok: true, correlationId: 'corr-status-1' });
    await fetch(`${url.replace('[::1]', '127.0.0.1')}/essays`);
    expect(sampler.seen).toEqual([
      expect.objectContaining({ 'http.request.method': 'GET', 'url.path': '/status', correlation_id: 'corr-status-1' }),
      expect.objectContaining({ 'http.request.method': 'GET', 'url.path': '/essays', 'http.route': '/essays' }),
    ]);
    // the sampler's decision by attribute holds: of the SERVER spans, only /essays is recorded
    expect(exporter.exported.filter((span) => span.kind === SpanKind.SERVER).map((span) => span.name)).toEqual([
      'GET /essays',
    ]);
  });
});
