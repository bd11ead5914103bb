import type { ReceivedSpan } from '@huleedu/nest-tracing-testing';
import { serviceName } from './cross-service-tree.js';

/** What the demo waits for: a trace, found by one span, that ends with a given span and spans these services. */
export interface ExpectedTrace {
  readonly label: string;
  readonly anchor: (span: ReceivedSpan) => boolean;
  readonly last: { readonly description: string; readonly matches: (span: ReceivedSpan) => boolean };
  readonly services: readonly string[];
}

/**
 * The demo's two traces: the upload (gateway -> file -> content over HTTP, then file -> essay lifecycle ->
 * spellchecker -> essay lifecycle over Kafka) and the batch `batchId` (orchestrator -> CJ assessment -> LLM
 * provider and back).
 */
export function expectedTraces(batchId: string): ExpectedTrace[] {
  return [
    {
      label: 'POST /essays',
      anchor: (span) => span.name === 'gateway.route.upload_essay',
      last: {
        description: "the essay lifecycle's completion span (essay_lifecycle.transition to 'completed')",
        matches: (span) =>
          serviceName(span) === 'essay-lifecycle-service' &&
          span.name === 'essay_lifecycle.transition' &&
          span.attributes['essay.state.to'] === 'completed',
      },
      services: ['api-gateway', 'file-service', 'content-service', 'essay-lifecycle-service', 'spellchecker-service'],
    },
    {
      label: `batch.registered ${batchId}`,
      anchor: (span) => span.name === 'kafka.consume.batch.registered' && span.attributes['batch.id'] === batchId,
      last: {
        description: "the orchestrator's kafka.produce.batch.completed span",
        matches: (span) =>
          serviceName(span) === 'batch-orchestrator-service' && span.name === 'kafka.produce.batch.completed',
      },
      services: ['batch-orchestrator-service', 'cj-assessment-service', 'llm-provider-service'],
    },
  ];
}

/** A trace is complete when it has its root span and every other span's parent arrived too. */
function isComplete(trace: readonly ReceivedSpan[]): boolean {
  const ids = new Set(trace.map((span) => span.spanId));
  return (
    trace.some((span) => span.parentSpanId === '') &&
    trace.every((span) => span.parentSpanId === '' || ids.has(span.parentSpanId))
  );
}

/** The trace holding the first span `isAnchor` picks (empty if none arrived). */
export function traceOf(spans: readonly ReceivedSpan[], isAnchor: (span: ReceivedSpan) => boolean): ReceivedSpan[] {
  const anchor = spans.find(isAnchor);
  return anchor ? spans.filter((span) => span.traceId === anchor.traceId) : [];
}

/** Whether every pipeline reached its last span (the traces may still lack spans the services flush on exit). */
export function pipelinesFinished(expected: readonly ExpectedTrace[], spans: readonly ReceivedSpan[]): boolean {
  return expected.every(({ anchor, last }) => traceOf(spans, anchor).some(last.matches));
}

/** What is still missing from the expected traces, or nothing once they all arrived whole. */
export function missingFromTraces(expected: readonly ExpectedTrace[], spans: readonly ReceivedSpan[]): string[] {
  return expected.flatMap(({ label, anchor, last, services }) => {
    const trace = traceOf(spans, anchor);
    if (trace.length === 0) return [`the trace of ${label}`];
    if (!trace.some(last.matches)) return [`${last.description} in the trace of ${label}`];
    const absent = services.filter((name) => !trace.some((span) => serviceName(span) === name));
    if (absent.length > 0) return [`the ${absent.join(' and ')} spans of ${label}`];
    return isComplete(trace) ? [] : [`some spans of ${label} (a parent span is missing)`];
  });
}
