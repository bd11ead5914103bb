// A span exporter that appends each span as one JSON line to a file: the scratch app's spans reach the check
// without a receiver, through the application's own NodeSDK (as traceExporter, so its batch processor runs).
import { appendFileSync } from 'node:fs';

const SUCCESS = 0; // ExportResultCode.SUCCESS of @opentelemetry/core

/** The fields the check reads, from a ReadableSpan of @opentelemetry/sdk-trace 3.x. */
function toJsonLine(span) {
  const context = span.spanContext();
  return JSON.stringify({
    name: span.name,
    kind: span.kind,
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    scope: span.instrumentationScope?.name,
    attributes: span.attributes,
  });
}

export class FileSpanExporter {
  constructor(path) {
    this.path = path;
  }

  export(spans, resultCallback) {
    try {
      if (spans.length > 0) appendFileSync(this.path, spans.map((span) => `${toJsonLine(span)}\n`).join(''));
      resultCallback({ code: SUCCESS });
    } catch (error) {
      resultCallback({ code: 1, error });
    }
  }

  async shutdown() {}

  async forceFlush() {}
}
