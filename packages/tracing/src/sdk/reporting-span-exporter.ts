import { Logger } from '@nestjs/common';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { spanLoss } from './span-loss.js';

const logger = new Logger('nest-tracing');

/** Where OpenTelemetry's OTLP/HTTP trace exporter sends spans, read from the same variables it reads. */
export function otlpTracesEndpoint(env: Record<string, string | undefined> = process.env): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : 'http://localhost:4318/v1/traces';
}

/**
 * An exporter that counts the spans of failed exports (`getSpanLoss()`) and says so once: on the
 * first failure it logs one WARN that names `target` and what to do, then stays quiet until an
 * export succeeds again (logged once too) and a later one fails. Everything else is `exporter`'s.
 */
export class ReportingSpanExporter implements SpanExporter {
  private failing = false;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly target: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const settle = (result: ExportResult): void => {
      try {
        this.observe(result, spans.length);
      } finally {
        resultCallback(result);
      }
    };
    try {
      this.exporter.export(spans, settle);
    } catch (error) {
      settle({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }

  private observe(result: ExportResult, count: number): void {
    if (result.code === ExportResultCode.SUCCESS) {
      if (this.failing) this.say('log', `Exporting spans to ${this.target} again.`);
      this.failing = false;
      return;
    }
    spanLoss.record('exportFailed', count);
    if (this.failing) return;
    this.failing = true;
    const reason = result.error ? ` (${result.error.message})` : '';
    this.say(
      'warn',
      `Could not export ${count} spans to ${this.target}${reason}. Is an OpenTelemetry collector listening there? ` +
        'Point OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) at your collector, ' +
        "or print spans with exporter: 'console' (OTEL_TRACES_EXPORTER=console), or turn export off with exporter: 'none'. " +
        'Quiet until exports succeed again; getSpanLoss() counts the lost spans.',
    );
  }

  private say(level: 'log' | 'warn', message: string): void {
    try {
      logger[level](message);
    } catch {
      // a logger that throws must not reach application code
    }
  }
}
