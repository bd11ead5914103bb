import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracingModule, traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import { freePort } from './fixtures/free-port.js';
import { TracedWorker, WorkerModule } from './fixtures/traced-worker.js';

const savedEnv = { ...process.env };
/** Starting or stopping the in-process OTLP receiver (an HTTP server): far more than it takes, even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 30_000;
/**
 * How long shutdown may take to flush the spans to the receiver: the export is HTTP to this process, so
 * a loaded machine can need more than a second. `close()` returns as soon as the flush is done.
 */
const FLUSH_TIMEOUT_MS = 10_000;

/** Run the app once; `shutdownTimeoutMillis` bounds the export at shutdown. */
async function runApp(shutdownTimeoutMillis = FLUSH_TIMEOUT_MS): Promise<number> {
  @Module({
    imports: [
      TracingModule.forRoot({
        serviceName: 'file-service',
        serviceVersion: '2.0.0',
        exporter: 'otlp',
        shutdownTimeoutMillis,
      }),
      WorkerModule,
    ],
  })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const result = withCorrelationId('corr-otlp', () =>
    traceOperation('file.upload', { 'file.size': 1024 }, () => {
      expect(() =>
        traceOperation('file.upload.validate', () => {
          throw new TypeError('not text');
        }),
      ).toThrow();
      return app.get(TracedWorker).work(21);
    }),
  );
  await app.close();
  return result;
}

describe("exporter: 'otlp'", () => {
  let receiver: OtlpTraceReceiver;

  beforeEach(async () => {
    receiver = await new OtlpTraceReceiver().start();
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  }, HOOK_TIMEOUT_MS);
  afterEach(async () => {
    process.env = { ...savedEnv };
    await receiver.stop();
  }, HOOK_TIMEOUT_MS);

  it('exports OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT, flushed at shutdown', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    expect(await runApp()).toBe(42);
    const spans = await receiver.waitFor(3);
    const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
    const upload = byName['file.upload'];
    const validate = byName['file.upload.validate'];
    const work = byName['file.TracedWorker.work'];
    expect(upload.parentSpanId).toBe('');
    expect(validate.parentSpanId).toBe(upload.spanId);
    expect(work.parentSpanId).toBe(upload.spanId);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(upload.attributes).toMatchObject({
      'file.size': 1024,
      correlation_id: 'corr-otlp',
      'operation.result': 'success',
    });
    expect(validate.status).toEqual({ code: 2, message: 'not text' });
    expect(validate.attributes['error.type']).toBe('TypeError');
    expect(validate.events.map((event) => event.attributes['exception.type'])).toEqual(['TypeError']);
    expect(work.resource).toMatchObject({ 'service.name': 'file-service', 'service.version': '2.0.0' });
    expect(work.scope).toEqual({ name: '@huleedu/nest-tracing', version: '0.1.0' });
  }, 30_000); // the flush budget, then the receiver's 10 s wait

  it('honours OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', async () => {
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.endpoint}/v1/traces`;
    await runApp();
    await expect(receiver.waitFor(3)).resolves.toHaveLength(3);
  }, 30_000); // the flush budget, then the receiver's 10 s wait

  it('keeps the business result when the backend is unreachable', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${await freePort()}`;
    // nothing to wait for: a short flush budget keeps the failed export from holding shutdown up
    await expect(runApp(500)).resolves.toBe(42);
    expect(receiver.requests).toBe(0);
  });
});
