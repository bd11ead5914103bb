import type { Attributes } from '@opentelemetry/api';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { getTestMetricReader } from './test-metric.reader.js';
import type { TestMetricReader } from './test-metric.reader.js';

/** One attribute set of a histogram, summed over every collection since the last reset. */
export interface HistogramPoint {
  /** The metric's name (`http.server.request.duration`). */
  readonly name: string;
  readonly unit: string;
  /** The instrumentation scope (meter) name, e.g. `@huleedu/nest-tracing`. */
  readonly scope: string;
  readonly attributes: Attributes;
  /** Recorded values. */
  count: number;
  sum: number;
  min: number | undefined;
  max: number | undefined;
  /** Upper bounds of the buckets (the advice or view), and the count per bucket (one more than bounds). */
  readonly boundaries: readonly number[];
  readonly bucketCounts: number[];
}

/** Attributes as one key, whatever order their keys came in. */
function keyOf(name: string, attributes: Attributes): string {
  return `${name}\u0000${JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]]),
  )}`;
}

interface HistogramValue {
  buckets: { boundaries: number[]; counts: number[] };
  count: number;
  sum?: number;
  min?: number;
  max?: number;
}

const isHistogramValue = (value: unknown): value is HistogramValue =>
  typeof value === 'object' && value !== null && 'buckets' in value && 'count' in value;

/**
 * The metrics recorded in this test process, to assert on as `TestSpans` asserts spans. Backed by
 * a real meter provider (the one `TracingTestingModule.forRoot({ metrics: true })` starts) and an
 * in-memory reader; each query collects first, so it sees everything recorded until then.
 * `reset()` forgets what was recorded (the per-test reset).
 */
export class TestMetrics {
  private readonly points = new Map<string, HistogramPoint>();

  constructor(private readonly reader: TestMetricReader = getTestMetricReader()) {}

  /** Collect what was recorded since the last collection into the points kept here. */
  async collect(): Promise<void> {
    const { resourceMetrics } = await this.reader.collect();
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) this.add(scopeMetrics.scope.name, metric);
    }
  }

  private add(scope: string, metric: MetricData): void {
    const { name, unit } = metric.descriptor;
    for (const point of metric.dataPoints) {
      const value: unknown = point.value;
      if (!isHistogramValue(value) || value.count === 0) continue;
      const key = keyOf(name, point.attributes);
      const kept = this.points.get(key);
      if (!kept) {
        this.points.set(key, {
          name,
          unit,
          scope,
          attributes: point.attributes,
          count: value.count,
          sum: value.sum ?? 0,
          min: value.min,
          max: value.max,
          boundaries: [...value.buckets.boundaries],
          bucketCounts: [...value.buckets.counts],
        });
        continue;
      }
      kept.count += value.count;
      kept.sum += value.sum ?? 0;
      if (value.min !== undefined) kept.min = kept.min === undefined ? value.min : Math.min(kept.min, value.min);
      if (value.max !== undefined) kept.max = kept.max === undefined ? value.max : Math.max(kept.max, value.max);
      value.buckets.counts.forEach(
        (count, index) => (kept.bucketCounts[index] = (kept.bucketCounts[index] ?? 0) + count),
      );
    }
  }

  /** The data points of the histogram `name` (one per attribute set), after collecting. */
  async histogram(name: string): Promise<HistogramPoint[]> {
    await this.collect();
    return [...this.points.values()].filter((point) => point.name === name);
  }

  /** Names of every histogram with recorded values, after collecting. */
  async names(): Promise<string[]> {
    await this.collect();
    return [...new Set([...this.points.values()].map((point) => point.name))];
  }

  /** Forget everything recorded so far. */
  async reset(): Promise<void> {
    await this.collect();
    this.points.clear();
  }
}

/** The test metrics of this process, for code outside Nest's DI (the same reader `TracingTestingModule` binds). */
export function getTestMetrics(): TestMetrics {
  return new TestMetrics(getTestMetricReader());
}
