import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ResolvedTracingOptions } from './resolve-options.js';
import { ReportingSpanExporter, otlpTracesEndpoint } from './reporting-span-exporter.js';
import { queueLossMeterProvider } from './span-loss.js';

async function createExporter(option: ResolvedTracingOptions['exporters'][number]): Promise<SpanExporter | undefined> {
  if (option === 'none') return undefined;
  if (option === 'console') return new ConsoleSpanExporter();
  if (option === 'otlp') {
    // loaded only when used: the protobuf encoder is the heaviest part of the SDK
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    return new ReportingSpanExporter(new OTLPTraceExporter(), otlpTracesEndpoint());
  }
  return new ReportingSpanExporter(option, `the exporter ${option.constructor.name}`);
}

/**
 * One processor per exporter (batch with a bounded queue, or simple), then the extra processors. The
 * spans a batch queue drops and those of failed exports are counted and reported (`getSpanLoss()`).
 */
export async function createSpanProcessors(options: ResolvedTracingOptions): Promise<SpanProcessor[]> {
  const processors: SpanProcessor[] = [];
  for (const option of options.exporters) {
    const exporter = await createExporter(option);
    if (!exporter) continue;
    processors.push(
      options.spanProcessor === 'simple'
        ? new SimpleSpanProcessor({ exporter })
        : new BatchSpanProcessor({ ...options.batch, exporter, selfObsMeterProvider: queueLossMeterProvider() }),
    );
  }
  return [...processors, ...options.spanProcessors];
}
