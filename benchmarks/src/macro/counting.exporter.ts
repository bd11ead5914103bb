import { ProxyTracerProvider, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DiscardingSpanExporter } from '../micro/discarding.exporter.js';

type ExportCallback = Parameters<DiscardingSpanExporter['export']>[1];

/** Exported spans of one server: by kind, and by instrumentation scope (who made them). */
export interface SpanCounts {
  total: number;
  byKind: Record<string, number>;
  byScope: Record<string, number>;
}

/**
 * The micro-benchmark's discarding exporter (drops every span at once), counting what it was given
 * by span kind and instrumentation scope, so the harness can check which setup really made spans.
 */
export class CountingSpanExporter extends DiscardingSpanExporter {
  private readonly byKind: Record<string, number> = {};
  private readonly byScope: Record<string, number> = {};

  override export(spans: ReadableSpan[], resultCallback: ExportCallback): void {
    for (const span of spans) {
      const kind = SpanKind[span.kind];
      this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
      const scope = span.instrumentationScope.name;
      this.byScope[scope] = (this.byScope[scope] ?? 0) + 1;
    }
    super.export(spans, resultCallback);
  }

  counts(): SpanCounts {
    return { total: this.exported, byKind: { ...this.byKind }, byScope: { ...this.byScope } };
  }
}

/** Where the preloaded instrumentation setups leave their exporter and provider for the server. */
export const PRELOADED_TRACING = Symbol.for('nest-tracing.benchmarks.preloaded-tracing');

export interface PreloadedTracing {
  exporter: CountingSpanExporter;
  forceFlush(): Promise<void>;
  instrumentations: string[];
}

/** Flush the globally registered provider (behind the API's proxy), whoever registered it. */
export async function flushRegisteredProvider(): Promise<void> {
  const global = trace.getTracerProvider();
  const provider = (global instanceof ProxyTracerProvider ? global.getDelegate() : global) as {
    forceFlush?: () => Promise<void>;
  };
  await provider.forceFlush?.();
}
