import type { AnyValue } from '@opentelemetry/api';
import type { HistogramPoint } from '../metrics/test-metrics.js';
import { sameAttributeValue } from '../span-filter.js';
import type { MatcherResult, MatcherState } from './matcher-support.js';

function pointsOf(received: unknown, matcher: string): readonly HistogramPoint[] {
  if (Array.isArray(received)) return received as HistogramPoint[];
  throw new TypeError(`${matcher}: expected the data points of TestMetrics.histogram(), got ${typeof received}.`);
}

function describePoints(points: readonly HistogramPoint[]): string {
  if (points.length === 0) return '  (no data points)';
  return points.map((point) => `  ${point.name} count=${point.count} ${JSON.stringify(point.attributes)}`).join('\n');
}

function metricResult(
  state: MatcherState,
  pass: boolean,
  describe: (not: string) => string,
  points: readonly HistogramPoint[],
): MatcherResult {
  return { pass, message: () => `${describe(state.isNot ? 'not ' : '')}\n\nData points:\n${describePoints(points)}` };
}

/** Jest matchers over histogram data points (`await metrics.histogram(name)`); part of `tracingMatchers`. */
export const metricMatchers = {
  /** A data point has these attributes (others may be there too) and, if given, `count` recorded values. */
  toHaveDataPoint(
    this: MatcherState,
    received: unknown,
    attributes: Record<string, AnyValue>,
    count?: number,
  ): MatcherResult {
    const points = pointsOf(received, 'toHaveDataPoint');
    const pass = points.some(
      (point) =>
        Object.entries(attributes).every(([key, value]) => sameAttributeValue(point.attributes[key], value)) &&
        (count === undefined || point.count === count),
    );
    const what = `${JSON.stringify(attributes)}${count === undefined ? '' : ` and count ${count}`}`;
    return metricResult(this, pass, (not) => `Expected ${not}a data point with attributes ${what}.`, points);
  },

  /** Every data point's attribute keys are among `keys`: nothing else (no argument values) became a label. */
  toHaveOnlyAttributeKeys(this: MatcherState, received: unknown, keys: readonly string[]): MatcherResult {
    const points = pointsOf(received, 'toHaveOnlyAttributeKeys');
    const allowed = new Set(keys);
    const extra = [...new Set(points.flatMap((point) => Object.keys(point.attributes)))].filter(
      (key) => !allowed.has(key),
    );
    return metricResult(
      this,
      extra.length === 0,
      (not) =>
        `Expected data points ${not}to have only the attribute keys ${JSON.stringify(keys)}${extra.length > 0 ? `; also found ${JSON.stringify(extra)}` : ''}.`,
      points,
    );
  },
};
