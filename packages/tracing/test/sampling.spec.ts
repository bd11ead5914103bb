import { afterEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracingModule, traceOperation, withTraceContext } from '@huleedu/nest-tracing';
import type { SamplingOptions } from '@huleedu/nest-tracing';
import { RecordingSpanExporter } from '@huleedu/nest-tracing-testing';

const SAMPLED_PARENT = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
const UNSAMPLED_PARENT = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' };
const savedEnv = { ...process.env };

describe('sampling', () => {
  let app: INestApplicationContext | undefined;
  let exporter: RecordingSpanExporter;

  async function start(sampling?: SamplingOptions): Promise<void> {
    exporter = new RecordingSpanExporter();
    @Module({
      imports: [
        TracingModule.forRoot({
          serviceName: 'batch-orchestrator-service',
          exporter,
          spanProcessor: 'simple',
          sampling,
        }),
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
    process.env = { ...savedEnv };
  });

  it('keeps every trace by default and none with ratio 0', async () => {
    await start();
    traceOperation('batch.fan_out', () => traceOperation('batch.command', () => undefined));
    expect(exporter.names().sort()).toEqual(['batch.command', 'batch.fan_out']);
    await app!.close();
    await start({ ratio: 0 });
    traceOperation('batch.fan_out', () => traceOperation('batch.command', () => undefined));
    expect(exporter.exported).toHaveLength(0);
  });

  it('samples high-traffic operations down by exact name and by glob', async () => {
    await start({ rules: { 'kafka.consume.heartbeat*': 0, 'health.check': 0, 'kafka.consume.essay*': 1 } });
    for (const name of [
      'kafka.consume.heartbeat',
      'kafka.consume.heartbeat.v2',
      'health.check',
      'kafka.consume.essay.uploaded',
      'batch.fan_out',
    ]) {
      traceOperation(name, () => undefined);
    }
    expect(exporter.names()).toEqual(['kafka.consume.essay.uploaded', 'batch.fan_out']);
  });

  it('lets local children follow their parent, so a kept trace is never cut', async () => {
    await start({ rules: { 'batch.command': 0 } });
    traceOperation('batch.fan_out', () => traceOperation('batch.command', () => undefined));
    expect(exporter.names().sort()).toEqual(['batch.command', 'batch.fan_out']);
  });

  it('applies rules to continued remote traces, and never revives a sampled-out remote parent', async () => {
    await start({ rules: { 'kafka.consume.heartbeat': 0, 'kafka.consume.essay.uploaded': 1 } });
    withTraceContext(SAMPLED_PARENT, () => traceOperation('kafka.consume.heartbeat', () => undefined));
    withTraceContext(UNSAMPLED_PARENT, () => traceOperation('kafka.consume.essay.uploaded', () => undefined));
    withTraceContext(SAMPLED_PARENT, () => traceOperation('kafka.consume.essay.uploaded', () => undefined));
    expect(exporter.names()).toEqual(['kafka.consume.essay.uploaded']);
    expect(exporter.exported[0].parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('honours OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG when no sampling options are given', async () => {
    process.env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
    process.env.OTEL_TRACES_SAMPLER_ARG = '0';
    await start();
    traceOperation('new.trace', () => undefined);
    withTraceContext(SAMPLED_PARENT, () => traceOperation('continued.trace', () => undefined));
    expect(exporter.names()).toEqual(['continued.trace']);
  });

  it('decides every span alone when parent-based sampling is off', async () => {
    await start({ parentBased: false, rules: { 'batch.command': 0 } });
    traceOperation('batch.fan_out', () => traceOperation('batch.command', () => undefined));
    expect(exporter.names()).toEqual(['batch.fan_out']);
  });
});
