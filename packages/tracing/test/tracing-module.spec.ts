import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DiagLogLevel, diag, trace } from '@opentelemetry/api';
import { TracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { TraceService, TracingConfigError, TracingModule, startTracing, withTraceContext } from '@huleedu/nest-tracing';
import type { TracingModuleOptions } from '@huleedu/nest-tracing';
import { RecordingSpanExporter } from '@huleedu/nest-tracing-testing';
import { TracedWorker, WorkerModule } from './fixtures/traced-worker.js';

async function boot(options: TracingModuleOptions): Promise<INestApplicationContext> {
  @Module({ imports: [TracingModule.forRoot(options), WorkerModule] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
}

const diagnostics: string[] = [];
const saveEnv = { ...process.env };

describe('TracingModule lifecycle', () => {
  const apps: INestApplicationContext[] = [];
  const open = async (options: TracingModuleOptions): Promise<INestApplicationContext> => {
    const app = await boot(options);
    apps.push(app);
    return app;
  };

  beforeEach(() => {
    diagnostics.length = 0;
    diag.setLogger(
      {
        error: (m) => diagnostics.push(m),
        warn: (m) => diagnostics.push(m),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    process.env = { ...saveEnv };
    trace.disable();
  });

  it('starts a provider, exports through a batch processor, and loses no ended span at shutdown', async () => {
    const exporter = new RecordingSpanExporter();
    const app = await boot({
      serviceName: 'file-service',
      serviceVersion: '1.2.3',
      environment: 'test',
      exporter,
      batch: { scheduledDelayMillis: 60_000 },
    });
    for (let i = 0; i < 50; i += 1) app.get(TracedWorker).work(i);
    expect(exporter.exported).toHaveLength(0);
    await app.close();
    expect(exporter.exported).toHaveLength(50);
    expect(exporter.shutdownCalls).toBe(1);
    const [span] = exporter.exported;
    expect(span.name).toBe('file.TracedWorker.work');
    expect(span.resource.attributes).toMatchObject({
      'service.name': 'file-service',
      'service.version': '1.2.3',
      'deployment.environment.name': 'test',
    });
    expect(span.instrumentationScope).toMatchObject({ name: '@huleedu/nest-tracing', version: '0.1.0' });
  });

  it('builds options with forRootAsync from injected configuration', async () => {
    const exporter = new RecordingSpanExporter();
    @Injectable()
    class Config {
      readonly serviceName = 'content-service';
    }
    @Module({ providers: [Config], exports: [Config] })
    class ConfigModule {}
    @Module({
      imports: [
        TracingModule.forRootAsync({
          imports: [ConfigModule],
          inject: [Config],
          useFactory: (config: Config) => ({ serviceName: config.serviceName, exporter, spanProcessor: 'simple' }),
        }),
        WorkerModule,
      ],
    })
    class AsyncAppModule {}
    const app = await NestFactory.createApplicationContext(AsyncAppModule, { logger: false });
    apps.push(app);
    app.get(TracedWorker).work(1);
    expect(exporter.names()).toEqual(['content.TracedWorker.work']);
    expect(app.get(TraceService)).toBeInstanceOf(TraceService);
  });

  it('reads the service name from OTEL_SERVICE_NAME', async () => {
    process.env.OTEL_SERVICE_NAME = 'class-management-service';
    const exporter = new RecordingSpanExporter();
    const app = await open({ exporter, spanProcessor: 'simple' });
    app.get(TracedWorker).work(1);
    expect(exporter.names()).toEqual(['class-management.TracedWorker.work']);
  });

  it.each([
    ['no service name', {}, /needs a service name[\s\S]*Potential solutions[\s\S]*OTEL_SERVICE_NAME/],
    ['a ratio above 1', { serviceName: 's', sampling: { ratio: 2 } }, /sampling.ratio must be a number from 0 to 1/],
    ['a bad rule ratio', { serviceName: 's', sampling: { rules: { 'a*': -1 } } }, /sampling.rules\['a\*'\]/],
    ['an unknown exporter', { serviceName: 's', exporter: 'jaeger' }, /exporter "jaeger" is not known/],
    ['a bad length limit', { serviceName: 's', attributeValueLengthLimit: 0 }, /attributeValueLengthLimit/],
  ])('fails at start-up with a fix for %s', async (_case, options, message) => {
    delete process.env.OTEL_SERVICE_NAME;
    const failure = await boot(options as TracingModuleOptions).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TracingConfigError);
    expect((failure as Error).message).toMatch(message);
  });

  it('fails at start-up for an unknown OTEL_TRACES_SAMPLER', async () => {
    process.env.OTEL_TRACES_SAMPLER = 'jaeger_remote';
    await expect(boot({ serviceName: 's', exporter: 'none' })).rejects.toThrow(/OTEL_TRACES_SAMPLER=jaeger_remote/);
  });

  it('uses a provider the application registered first, and does not shut it down', async () => {
    const ownExporter = new RecordingSpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: ownExporter })] });
    trace.setGlobalTracerProvider(provider);
    const moduleExporter = new RecordingSpanExporter();
    const app = await boot({ serviceName: 'api-gateway', exporter: moduleExporter });
    app.get(TracedWorker).work(2);
    await app.close();
    expect(ownExporter.names()).toEqual(['api-gateway.TracedWorker.work']);
    expect(moduleExporter.exported).toHaveLength(0);
    expect(ownExporter.shutdownCalls).toBe(0);
    expect(ownExporter.flushCalls).toBe(1);
  });

  it('shares one provider between two applications in one process, registering once', async () => {
    const exporter = new RecordingSpanExporter();
    const first = await boot({ serviceName: 'one-service', exporter, spanProcessor: 'simple' });
    const second = await boot({
      serviceName: 'one-service',
      exporter: new RecordingSpanExporter(),
      spanProcessor: 'simple',
    });
    await first.close();
    second.get(TracedWorker).work(3);
    expect(exporter.names()).toEqual(['one.TracedWorker.work']);
    expect(exporter.shutdownCalls).toBe(0);
    await second.close();
    expect(exporter.shutdownCalls).toBe(1);
    expect(diagnostics.filter((line) => /duplicate registration/i.test(line))).toEqual([]);
  });

  it('adopts a provider started by startTracing() and shuts it down with the application, once', async () => {
    const exporter = new RecordingSpanExporter();
    const handle = await startTracing({ serviceName: 'spellchecker-service', exporter, spanProcessor: 'simple' });
    const again = await startTracing({ serviceName: 'spellchecker-service', exporter });
    const app = await boot({ serviceName: 'spellchecker-service' });
    app.get(TracedWorker).work(4);
    await app.close();
    expect(exporter.names()).toEqual(['spellchecker.TracedWorker.work']);
    expect(exporter.shutdownCalls).toBe(0);
    await again.shutdown();
    await handle.shutdown();
    await handle.shutdown();
    expect(exporter.shutdownCalls).toBe(1);
  });

  it('starts nothing when OTEL_SDK_DISABLED=true, and methods still work', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    const exporter = new RecordingSpanExporter();
    const app = await open({ serviceName: 'content-service', exporter, spanProcessor: 'simple' });
    expect(app.get(TracedWorker).work(5)).toBe(10);
    expect(exporter.exported).toHaveLength(0);
  });

  it.each(['throw', 'fail'] as const)('keeps business results when the exporter %ss', async (behaviour) => {
    const exporter = new RecordingSpanExporter(behaviour);
    const app = await open({ serviceName: 'file-service', exporter, spanProcessor: 'simple' });
    expect(app.get(TracedWorker).work(21)).toBe(42);
  });

  it('makes no span at all under a sampled-out parent', async () => {
    const exporter = new RecordingSpanExporter();
    const app = await open({ serviceName: 'file-service', exporter, spanProcessor: 'simple' });
    const parentId = '00f067aa0ba902b7';
    const carrier = { traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${parentId}-00` };
    expect(withTraceContext(carrier, () => app.get(TracedWorker).activeSpanId())).toBe(parentId);
    expect(exporter.exported).toHaveLength(0);
  });
});
