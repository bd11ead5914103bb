import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { TracingModule, getSpanLoss, traceOperation } from '@huleedu/nest-tracing';
import type { TracingModuleOptions } from '@huleedu/nest-tracing';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import { freePort } from './fixtures/free-port.js';

/** Starting and stopping apps, receivers and failing exports on a loaded machine. */
const TEST_TIMEOUT_MS = 60_000;
const savedEnv = { ...process.env };

/** A Nest logger that keeps the lines nest-tracing writes. */
class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  log = (message: unknown, context?: string): void => this.keep('log', message, context);
  warn = (message: unknown, context?: string): void => this.keep('warn', message, context);
  error = (message: unknown, context?: string): void => this.keep('error', message, context);
  private keep(level: string, message: unknown, context?: string): void {
    if (context === 'nest-tracing') this.lines.push({ level, message: String(message) });
  }
  warnings(pattern: RegExp): string[] {
    return this.lines.filter((line) => line.level === 'warn' && pattern.test(line.message)).map((line) => line.message);
  }
}

async function startApp(options: TracingModuleOptions, logger: RecordingLogger) {
  @Module({ imports: [TracingModule.forRoot({ serviceName: 'burst-service', exporter: 'otlp', ...options })] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger });
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('span loss is counted and reported, never silent', () => {
  let receiver: OtlpTraceReceiver;

  beforeEach(async () => {
    receiver = await new OtlpTraceReceiver().start();
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  }, TEST_TIMEOUT_MS);
  afterEach(async () => {
    process.env = { ...savedEnv };
    await receiver.stop();
  }, TEST_TIMEOUT_MS);

  it(
    'a burst larger than the batch queue: every span arrives or is counted, and the count is logged',
    async () => {
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
      const logger = new RecordingLogger();
      const app = await startApp({ batch: { maxQueueSize: 100 }, shutdownTimeoutMillis: 30_000 }, logger);
      const before = getSpanLoss();
      for (let index = 0; index < 1000; index += 1) traceOperation('burst.span', () => index);
      await app.close();

      const received = receiver.spans.filter((span) => span.name === 'burst.span').length;
      const logged = logger
        .warnings(/^Dropped \d+ spans/)
        .reduce((sum, message) => sum + Number(/^Dropped (\d+) spans/.exec(message)![1]), 0);
      const counted = getSpanLoss().queueFull - before.queueFull;
      expect({ received, logged, counted }).toEqual({ received: 1000 - logged, logged: counted, counted });
      // ended synchronously: one batch in flight, one queued, the rest dropped
      expect(counted).toBeGreaterThan(0);
      expect(logger.warnings(/batch queue was full[\s\S]*maxQueueSize/)).not.toHaveLength(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps every span of the same burst with the default queue',
    async () => {
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
      const logger = new RecordingLogger();
      const app = await startApp({ shutdownTimeoutMillis: 30_000 }, logger);
      const before = getSpanLoss();
      for (let index = 0; index < 5000; index += 1) traceOperation('burst.span', () => index);
      await app.close();
      expect(receiver.spans.filter((span) => span.name === 'burst.span')).toHaveLength(5000);
      expect(getSpanLoss().total - before.total).toBe(0);
      expect(logger.warnings(/Dropped/)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'no collector: one WARN that names the endpoint and what to do, quiet until exports recover and fail again',
    async () => {
      const port = await freePort();
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
      const logger = new RecordingLogger();
      const app = await startApp({ spanProcessor: 'simple', shutdownTimeoutMillis: 30_000 }, logger);
      const provider = trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } };
      // a simple processor's flush rejects with the failed exports' errors: the WARN is what is checked
      const flush = () =>
        provider
          .getDelegate()
          .forceFlush()
          .catch(() => undefined);
      const before = getSpanLoss();
      const unreachable = /^Could not export \d+ spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces/;

      for (let index = 0; index < 3; index += 1) traceOperation('unexported.span', () => index);
      await flush();
      await until(() => getSpanLoss().exportFailed - before.exportFailed === 3);
      const [warning, ...more] = logger.warnings(unreachable);
      expect(more).toEqual([]);
      expect(warning).toContain(`127.0.0.1:${port}/v1/traces`);
      expect(warning).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT[\s\S]*exporter: 'console'/);

      const collector = await new OtlpTraceReceiver().start(port);
      try {
        traceOperation('exported.span', () => undefined);
        await flush();
        await collector.waitFor(1);
        expect(logger.lines.filter((line) => line.message.startsWith('Exporting spans to'))).toHaveLength(1);
      } finally {
        await collector.stop();
      }
      traceOperation('unexported.span', () => undefined);
      await flush();
      await until(() => logger.warnings(unreachable).length === 2);
      expect(logger.warnings(unreachable)).toHaveLength(2);
      await app.close();
    },
    TEST_TIMEOUT_MS,
  );
});
