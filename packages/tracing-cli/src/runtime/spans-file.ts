import { readFileSync } from 'node:fs';
import { CoverageUsageError } from '../analysis/load-typescript.js';

/** A span as `@huleedu/nest-tracing-testing` writes it to `NEST_TRACING_SPANS_FILE` (one JSON object a line). */
export interface RecordedSpan {
  name: string;
  /** `INTERNAL`, `SERVER`, `CLIENT`, `PRODUCER` or `CONSUMER`. */
  kind: string;
  /** `service.name` of the span's resource. */
  service?: string;
  attributes: Record<string, unknown>;
}

/** Reads a spans file; a line that is not a span fails with its number. */
export function readSpansFile(path: string): RecordedSpan[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CoverageUsageError(
      `Cannot read the spans file ${path}: ${(error as Error).message}\n` +
        'Potential solutions:\n- run the tests with NEST_TRACING_SPANS_FILE=<file> first (see @huleedu/nest-tracing-testing)',
    );
  }
  const spans: RecordedSpan[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: Partial<RecordedSpan>;
    try {
      parsed = JSON.parse(line) as Partial<RecordedSpan>;
    } catch {
      throw new CoverageUsageError(`${path}:${index + 1} is not JSON: each line of a spans file is one span.`);
    }
    if (typeof parsed.name !== 'string' || typeof parsed.kind !== 'string')
      throw new CoverageUsageError(`${path}:${index + 1} is not a span: it needs "name" and "kind".`);
    spans.push({
      name: parsed.name,
      kind: parsed.kind.toUpperCase(),
      ...(typeof parsed.service === 'string' ? { service: parsed.service } : {}),
      attributes: parsed.attributes && typeof parsed.attributes === 'object' ? parsed.attributes : {},
    });
  });
  return spans;
}
