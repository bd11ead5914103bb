import type { OtlpTraceReceiver, ReceivedSpan } from '@huleedu/nest-tracing-testing';

/**
 * The received spans of the trace that holds the first span `isAnchor` picks, once that trace has at
 * least `expectedSpans` spans. When `timeoutMs` passes first, it resolves with what did arrive: the
 * assertions that follow then say exactly what is missing (and print the tree), which a bare
 * timeout would not.
 */
export async function collectTrace(
  receiver: OtlpTraceReceiver,
  isAnchor: (span: ReceivedSpan) => boolean,
  expectedSpans: number,
  timeoutMs = 15_000,
): Promise<ReceivedSpan[]> {
  const traceOf = (spans: readonly ReceivedSpan[]): ReceivedSpan[] => {
    const anchor = spans.find(isAnchor);
    return anchor ? spans.filter((span) => span.traceId === anchor.traceId) : [];
  };
  await receiver.waitFor((spans) => traceOf(spans).length >= expectedSpans, timeoutMs).catch(() => undefined);
  return traceOf(receiver.spans);
}
