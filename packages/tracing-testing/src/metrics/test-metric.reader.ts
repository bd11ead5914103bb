import type { CollectionResult, IMetricReader, MetricProducer } from '@opentelemetry/sdk-metrics';

type Temporality = ReturnType<IMetricReader['selectAggregationTemporality']>;
type AggregationOption = ReturnType<IMetricReader['selectAggregation']>;

/** `AggregationTemporality.DELTA` and `AggregationType.DEFAULT` of sdk-metrics (stable enum values). */
const DELTA = 0 as Temporality;
const DEFAULT_AGGREGATION = { type: 0 } as AggregationOption;
/** sdk-metrics' default cardinality limit per instrument. */
const CARDINALITY_LIMIT = 2000;

/**
 * A metric reader the test collects from on demand, in delta temporality (each collection returns
 * what was recorded since the last). Unlike the SDK's own readers it may be bound again: every
 * meter provider a test module starts binds it, and collections read the latest one. Implements
 * sdk-metrics' `IMetricReader` by shape only, so loading this package never loads sdk-metrics.
 */
export class TestMetricReader implements IMetricReader {
  private producer: MetricProducer | undefined;

  setMetricProducer(producer: MetricProducer): void {
    this.producer = producer;
  }

  selectAggregation(): AggregationOption {
    return DEFAULT_AGGREGATION;
  }

  selectAggregationTemporality(): Temporality {
    return DELTA;
  }

  selectCardinalityLimit(): number {
    return CARDINALITY_LIMIT;
  }

  /** What was recorded since the last collection; nothing when no meter provider is bound. */
  async collect(options?: Parameters<IMetricReader['collect']>[0]): Promise<CollectionResult> {
    if (!this.producer) return { resourceMetrics: { resource: undefined as never, scopeMetrics: [] }, errors: [] };
    return this.producer.collect(options);
  }

  async shutdown(): Promise<void> {
    // a later provider may already have bound this reader: the latest one stays
  }

  async forceFlush(): Promise<void> {}
}

const READER_KEY = Symbol.for('huleedu.nest-tracing-testing.metric-reader');
const host = globalThis as { [READER_KEY]?: TestMetricReader };

/** The test metric reader of this process (of this jest test file). */
export function getTestMetricReader(): TestMetricReader {
  return (host[READER_KEY] ??= new TestMetricReader());
}
