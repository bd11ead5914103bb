import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** How a `RecordingSpanExporter` answers `export()`. */
export type RecordingExporterBehaviour = 'succeed' | 'fail' | 'throw';

/**
 * A `SpanExporter` for tests of the export path itself (batching, flush on shutdown, a broken
 * backend): it keeps what it was given, even after shutdown, and counts shutdowns and flushes.
 * For asserting on spans in ordinary tests, use `TestSpans` instead.
 */
export class RecordingSpanExporter implements SpanExporter {
  readonly exported: ReadableSpan[] = [];
  shutdownCalls = 0;
  flushCalls = 0;

  constructor(public behaviour: RecordingExporterBehaviour = 'succeed') {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.behaviour === 'throw') throw new Error('RecordingSpanExporter told to throw');
    if (this.behaviour === 'fail') {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('RecordingSpanExporter told to fail') });
      return;
    }
    this.exported.push(...spans);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    this.shutdownCalls += 1;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    this.flushCalls += 1;
    return Promise.resolve();
  }

  names(): string[] {
    return this.exported.map((span) => span.name);
  }
}
