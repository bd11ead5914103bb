import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { context, metrics, trace } from '@opentelemetry/api';
import type { Attributes, Context, Histogram, MeterProvider } from '@opentelemetry/api';
import { createNoopMeter } from '@opentelemetry/api';
import { MeterProvider as SdkMeterProvider } from '@opentelemetry/sdk-metrics';
import { DURATION_BUCKETS_SECONDS, TracingModule, traceOperation } from '@huleedu/nest-tracing';
import { OtlpTraceReceiver, TestMetricReader, TestMetrics } from '@huleedu/nest-tracing-testing';
import { startHttpApp } from './fixtures/http-app.js';
import type { HttpTestApp } from './fixtures/http-app.js';
import { TracedWorker, WorkerModule } from './fixtures/traced-worker.js';

/** Starting or closing a Nest app, its HTTP server or the OTLP receiver: far more than it takes on a loaded 2-core machine. */
const HOOK_TIMEOUT_MS = 30_000;
const OPERATION = 'nest_tracing.operation.duration';
const HTTP = 'http.server.request.duration';

describe('duration metrics of HTTP requests and @Traced operations (metrics: true)', () => {
  let http: HttpTestApp;
  let testMetrics: TestMetrics;

  beforeAll(async () => {
    http = await startHttpApp('express', {}, undefined, undefined, undefined, true);
    testMetrics = http.app.get(TestMetrics);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => http.app.close(), HOOK_TIMEOUT_MS);
  beforeEach(async () => {
    http.spans.reset();
    await testMetrics.reset();
  });

  it('records http.server.request.duration per route with the semantic-convention attributes and buckets', async () => {
    expect((await fetch(`${http.url}/api/v1/essays/42`)).status).toBe(200);
    expect((await fetch(`${http.url}/api/v1/essays/43`)).status).toBe(200);
    expect((await fetch(`${http.url}/api/v1/essays/broken`)).status).toBe(500);
    await http.spans.waitFor((spans) => spans.filter((span) => span.name.startsWith('GET ')).length === 3);

    const points = await testMetrics.histogram(HTTP);
    expect(points).toHaveDataPoint(
      {
        'http.request.method': 'GET',
        'http.route': '/api/v1/essays/:id',
        'http.response.status_code': 200,
        'url.scheme': 'http',
      },
      2,
    );
    expect(points).toHaveDataPoint({ 'http.response.status_code': 500, 'error.type': '500' }, 1);
    expect(points).toHaveOnlyAttributeKeys([
      'http.request.method',
      'http.route',
      'http.response.status_code',
      'url.scheme',
      'network.protocol.version',
      'error.type',
    ]);
    expect(points[0]).toMatchObject({
      unit: 's',
      scope: '@huleedu/nest-tracing',
      boundaries: DURATION_BUCKETS_SECONDS,
    });
  });

  it('records nest_tracing.operation.duration named by the span, with the span’s error.type, never an argument', async () => {
    await fetch(`${http.url}/api/v1/essays/42`);
    await fetch(`${http.url}/api/v1/essays/broken`);
    await fetch(`${http.url}/api/v1/essays/missing`);
    await http.spans.waitFor((spans) => spans.filter((span) => span.name.startsWith('GET ')).length === 3);

    const points = await testMetrics.histogram(OPERATION);
    const find = { 'operation.name': 'api-gateway.EssayStore.find', 'operation.type': 'internal' };
    expect(points).toHaveDataPoint(find, 1);
    expect(points).toHaveDataPoint({ ...find, 'error.type': 'InternalServerErrorException' }, 1);
    // a 404 is expected (the default classifier): no error.type on the span, none on the metric
    const notFound = http.spans
      .byName('api-gateway.EssayStore.find')
      .filter((span) => span.attributes['operation.result'] === 'error');
    expect(notFound.map((span) => span.attributes['error.type']).sort()).toEqual([
      'InternalServerErrorException',
      undefined,
    ]);
    expect(points.filter((point) => point.attributes['error.type'] === undefined)[0]?.count).toBe(2);
    expect(points).toHaveOnlyAttributeKeys(['operation.name', 'operation.type', 'error.type']);
    const values = points.flatMap((point) => Object.values(point.attributes));
    for (const argument of ['42', 'broken', 'missing']) expect(values).not.toContain(argument);
  });

  it('records no metric for ignored paths, as it makes no span', async () => {
    expect((await fetch(`${http.url}/health`)).status).toBe(200);
    expect(await testMetrics.names()).toEqual([]);
  });

  it('times calls whose spans are sampled out: metrics count every call', async () => {
    const sampledOut = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0 });
    await context.with(trace.setSpan(context.active(), sampledOut), () =>
      traceOperation('essay.sampled-out', async () => 'done'),
    );
    expect(http.spans.byName('essay.sampled-out')).toHaveLength(0);
    expect(await testMetrics.histogram(OPERATION)).toHaveDataPoint({ 'operation.name': 'essay.sampled-out' }, 1);
  });

  it('leaves an operation with metrics: false out', async () => {
    traceOperation('essay.unmeasured', () => 1, { metrics: false });
    expect(http.spans.byName('essay.unmeasured')).toHaveLength(1);
    expect(await testMetrics.histogram(OPERATION)).toEqual([]);
  });
});

/** A meter provider the application registered itself: an SDK provider with a reader the spec collects from. */
function registerApplicationMeterProvider(): { reader: TestMetricReader; provider: SdkMeterProvider } {
  const reader = new TestMetricReader();
  const provider = new SdkMeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return { reader, provider };
}

async function runWorker(options: Parameters<typeof TracingModule.forRoot>[0]): Promise<void> {
  @Module({ imports: [TracingModule.forRoot({ exporter: 'none', ...options }), WorkerModule] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  app.get(TracedWorker).work(21);
  await app.close();
}

describe('metrics off by default, and a registered meter provider reused', () => {
  const savedEnv = { ...process.env };
  let application: { reader: TestMetricReader; provider: SdkMeterProvider };

  beforeEach(() => {
    delete process.env.NEST_TRACING_METRICS;
    application = registerApplicationMeterProvider();
  });
  afterEach(async () => {
    process.env = { ...savedEnv };
    metrics.disable();
    await application.provider.shutdown();
  });

  it('records nothing without the metrics option', async () => {
    await runWorker({ serviceName: 'file-service' });
    expect(await new TestMetrics(application.reader).names()).toEqual([]);
  });

  it('records into the meter provider the application registered, and flushes it at shutdown', async () => {
    await runWorker({ serviceName: 'file-service', metrics: true });
    const points = await new TestMetrics(application.reader).histogram(OPERATION);
    expect(points).toHaveDataPoint({ 'operation.name': 'file.TracedWorker.work' }, 1);
    // the application's provider is the application's: still registered
    expect(metrics.getMeterProvider()).toBe(application.provider);
  });

  it('is turned on by NEST_TRACING_METRICS=true, and off again by metrics: false', async () => {
    process.env.NEST_TRACING_METRICS = 'true';
    await runWorker({ serviceName: 'file-service' });
    await runWorker({ serviceName: 'file-service', metrics: false });
    const points = await new TestMetrics(application.reader).histogram(OPERATION);
    expect(points).toHaveDataPoint({ 'operation.name': 'file.TracedWorker.work' }, 1);
  });

  it('fails at start-up on an invalid NEST_TRACING_METRICS, saying what to write', async () => {
    process.env.NEST_TRACING_METRICS = 'yes';
    await expect(runWorker({ serviceName: 'file-service' })).rejects.toThrow(
      /NEST_TRACING_METRICS=yes[\s\S]*NEST_TRACING_METRICS=true/,
    );
  });
});

describe('exemplars: each value is recorded in its span’s context', () => {
  it('hands the SDK the context of the span the value belongs to', async () => {
    const recorded: Array<{ attributes?: Attributes; ctx?: Context }> = [];
    const histogram: Histogram = { record: (_value, attributes, ctx) => recorded.push({ attributes, ctx }) };
    const meter = Object.assign(Object.create(createNoopMeter()) as object, { createHistogram: () => histogram });
    const meterProvider = { getMeter: () => meter } as unknown as MeterProvider;
    const moduleRef = await Test.createTestingModule({
      imports: [TracingModule.forRoot({ serviceName: 'file-service', exporter: 'none', metrics: { meterProvider } })],
    }).compile();
    await moduleRef.init();
    const spanContext = traceOperation('file.store', (span) => span.spanContext());
    await moduleRef.close();
    expect(recorded).toHaveLength(1);
    expect(trace.getSpanContext(recorded[0].ctx!)).toEqual(spanContext);
    expect(spanContext.traceFlags & 1).toBe(1);
  });
});

describe("metrics exported over OTLP (metrics: { exporter: 'otlp' })", () => {
  const savedEnv = { ...process.env };
  let receiver: OtlpTraceReceiver;

  beforeEach(async () => {
    receiver = await new OtlpTraceReceiver().start();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    delete process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  }, HOOK_TIMEOUT_MS);
  afterEach(async () => {
    process.env = { ...savedEnv };
    await receiver.stop();
  }, HOOK_TIMEOUT_MS);

  it('exports the histograms as OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT, flushed at shutdown', async () => {
    await runWorker({ serviceName: 'file-service', serviceVersion: '2.0.0', metrics: { exporter: 'otlp' } });
    const points = await receiver.waitForMetrics((received) => received.some((point) => point.name === OPERATION));
    const point = points.find((candidate) => candidate.name === OPERATION)!;
    expect(point).toMatchObject({
      kind: 'histogram',
      unit: 's',
      count: 1,
      attributes: { 'operation.name': 'file.TracedWorker.work', 'operation.type': 'internal' },
      explicitBounds: DURATION_BUCKETS_SECONDS,
      scope: { name: '@huleedu/nest-tracing', version: '0.1.0' },
    });
    expect(point.resource).toMatchObject({ 'service.name': 'file-service', 'service.version': '2.0.0' });
    // the provider nest-tracing started was registered for the application, and removed at shutdown
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
  });
});
