import { flattenOtlpRequest } from '@huleedu/nest-tracing-testing/otlp';
import type { ReceivedSpanLike } from './normalize-span.js';

/**
 * Spans from a JSON file: an array of spans as the OTLP receiver yields them (times as strings or numbers),
 * `{ "spans": [...] }`, or an OTLP/JSON export request (`{ "resourceSpans": [...] }`, as the collector's file
 * exporter writes it), decoded by the testing package's decoder.
 */
export function readSpansJson(text: string, source = 'input'): ReceivedSpanLike[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (Array.isArray(json)) return json as ReceivedSpanLike[];
  if (json && typeof json === 'object') {
    if (Array.isArray((json as { spans?: unknown }).spans)) return (json as { spans: ReceivedSpanLike[] }).spans;
    if (Array.isArray((json as { resourceSpans?: unknown }).resourceSpans)) {
      return flattenOtlpRequest(json);
    }
  }
  throw new Error(
    `${source} holds no spans. Potential solutions: give an array of spans, { "spans": [...] }, or an OTLP/JSON ` +
      'export request ({ "resourceSpans": [...] }).',
  );
}
