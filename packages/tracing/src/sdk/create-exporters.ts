import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ResolvedTracingOptions } from './resolve-options.js';

async function createExporter(option: ResolvedTracingOptions['exporters'][number]): Promise<SpanExporter | undefined> {
  if (option === 'none') return undefined;
  if (option === 'console') return new ConsoleSpanExporter();
  if (option === 'otlp') {
    // loaded only when used: the protobuf encoder is the heaviest part of the SDK
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter();
  }
  return option;
}

/** One processor per exporter (batch with a bounded queue, or simple), then the extra processors. */
export async function createSpanProcessors(options: ResolvedTracingOptions): Promise<SpanProcessor[]> {
  const processors: SpanProcessor[] = [];
  for (const option of options.exporters) {
    const exporter = await createExporter(option);
    if (!exporter) continue;
    processors.push(
      options.spanProcessor === 'simple'
        ? new SimpleSpanProcessor({ exporter })
        : new BatchSpanProcessor({ ...options.batch, exporter }),
    );
  }
  return [...processors, ...options.spanProcessors];
}
