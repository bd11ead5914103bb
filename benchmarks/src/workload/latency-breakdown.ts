import type { WalkedSpan } from './otlp-span-walker.js';

/** The p-th percentile (nearest rank) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A point on an upload's path: the start or end of one service's span. */
interface PathPoint {
  service: string;
  span: string;
  edge: 'startMs' | 'endMs';
}

const point = (service: string, span: string, edge: PathPoint['edge']): PathPoint => ({ service, span, edge });

/**
 * The upload's critical path as consecutive points; each step is the time between two of them, so
 * the steps add up to the gateway's request start → the lifecycle's last consume span end. A
 * "Kafka" step runs from the producer's acknowledgement to the consumer's span start: delivery and
 * queueing behind other messages (each consumer handles one message at a time).
 */
const PATH: ReadonlyArray<[string, PathPoint]> = [
  ['start', point('api-gateway', 'POST /essays', 'startMs')],
  ['gateway → file → content, essay.uploaded acked', point('file-service', 'kafka.produce.essay.uploaded', 'endMs')],
  ['Kafka → lifecycle', point('essay-lifecycle-service', 'kafka.consume.essay.uploaded', 'startMs')],
  [
    'lifecycle: 2 transitions, spellcheck.requested acked',
    point('essay-lifecycle-service', 'kafka.produce.essay.spellcheck.requested', 'endMs'),
  ],
  ['Kafka → spellchecker', point('spellchecker-service', 'kafka.consume.spellcheck_request', 'startMs')],
  [
    'spellchecker: check, spellcheck.completed acked',
    point('spellchecker-service', 'kafka.produce.essay.spellcheck.completed', 'endMs'),
  ],
  [
    'Kafka → lifecycle (completed)',
    point('essay-lifecycle-service', 'kafka.consume.essay.spellcheck.completed', 'startMs'),
  ],
  [
    'lifecycle: 2 transitions, consume span ends',
    point('essay-lifecycle-service', 'kafka.consume.essay.spellcheck.completed', 'endMs'),
  ],
];

/** The steps' names, in path order. */
export const BREAKDOWN_STEPS = PATH.slice(1).map(([step]) => step);

/** Milliseconds per step of one traced upload, from its spans; undefined if a span of the path is missing. */
export function breakdownOf(spans: readonly WalkedSpan[]): number[] | undefined {
  const times: number[] = [];
  for (const [, { service, span, edge }] of PATH) {
    const found = spans.find((candidate) => candidate.service === service && candidate.name === span);
    if (!found) return undefined;
    times.push(found[edge]);
  }
  return times.slice(1).map((time, index) => time - times[index]);
}

/** Per step, the median and p99 over the uploads (ms). */
export function summarizeBreakdowns(
  breakdowns: ReadonlyArray<readonly number[]>,
): Array<{ step: string; p50Ms: number; p99Ms: number }> {
  return BREAKDOWN_STEPS.map((step, index) => {
    const values = breakdowns.map((breakdown) => breakdown[index]);
    return {
      step,
      p50Ms: Number(percentile(values, 50).toFixed(2)),
      p99Ms: Number(percentile(values, 99).toFixed(2)),
    };
  });
}
