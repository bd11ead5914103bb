import { ROOT_CONTEXT, SpanKind, metrics, trace } from '@opentelemetry/api';
import type { Attributes, Context, Histogram, MeterProvider, Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { runtime } from '../runtime/tracing-runtime.js';
import { reportTelemetryFault } from '../utils/report-telemetry-fault.js';
import { classifyErrorType } from '../runtime/error-type.js';

/**
 * The explicit bucket boundaries the semantic conventions recommend for duration histograms in
 * seconds (`http.server.request.duration`, `db.client.operation.duration`, ...), passed to the SDK as
 * advice: a view the application configures still wins.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** Where one timed operation started and what it is recorded with. */
interface Measurement {
  readonly startedAt: number;
  readonly attributes: Attributes;
}

/**
 * A duration histogram in seconds, recorded when metrics are on (`TracingModule.forRoot({ metrics: true })`)
 * and free when they are off: guard building attributes with `enabled`, one boolean read. The
 * instrument is created once per meter provider (that of the running tracing, else the API's global
 * one), never per call. Each value is recorded in its span's context, so an SDK with exemplars
 * (the `trace_based` filter) links it to the trace. Recording never throws into the caller.
 * @example
 * ```ts
 * const processDuration = new DurationHistogram('messaging.process.duration', 'Duration of processing a message', { name: '@acme/tracing-sqs' });
 * if (processDuration.enabled) processDuration.start(span, { 'messaging.system': 'aws_sqs' });
 * // ... when the span ends
 * processDuration.end(span);
 * ```
 */
export class DurationHistogram {
  private provider: MeterProvider | undefined;
  private histogram: Histogram | undefined;
  /** Keyed on the span the operation has (recording or not), so any end path finds its start. */
  private readonly measurements = new WeakMap<Span, Measurement>();

  constructor(
    /** The metric's name, e.g. `db.client.operation.duration`. */
    readonly name: string,
    private readonly description: string,
    /** The instrumentation scope of the meter: the package's name and version. */
    private readonly scope: { name: string; version?: string },
  ) {}

  /** True when metrics are on. */
  get enabled(): boolean {
    return runtime.metrics === true;
  }

  /**
   * Start timing the operation `span` stands for. `attributes` must have bounded cardinality
   * (names defined in code, enumerations): never argument or payload values.
   */
  start(span: Span, attributes: Attributes): void {
    if (runtime.metrics !== true) return;
    this.measurements.set(span, { startedAt: performance.now(), attributes });
  }

  /** Record the duration since `start(span)`, with `error.type` when given; once (a second call records nothing). */
  end(span: Span, errorType?: string): void {
    if (runtime.metrics !== true) return;
    const measurement = this.measurements.get(span);
    if (measurement === undefined) return;
    this.measurements.delete(span);
    const attributes =
      errorType === undefined ? measurement.attributes : { ...measurement.attributes, [ATTR_ERROR_TYPE]: errorType };
    this.record((performance.now() - measurement.startedAt) / 1000, attributes, trace.setSpan(ROOT_CONTEXT, span));
  }

  /**
   * `end(span, …)` for an operation that failed with `error`: `error.type` is what a span of `kind`
   * gets for it (the error's class name, unless the error classifier calls it expected).
   */
  endWithError(span: Span, error: unknown, kind: SpanKind = SpanKind.INTERNAL): void {
    if (runtime.metrics !== true || !this.measurements.has(span)) return;
    this.end(span, classifyErrorType(error, kind, `${this.name} (errorClassifier)`));
  }

  /** Record a duration measured by the caller, in `ctx` (the span's context, for exemplars). */
  record(seconds: number, attributes: Attributes, ctx?: Context): void {
    if (runtime.metrics !== true) return;
    try {
      this.instrument().record(seconds, attributes, ctx);
    } catch (error) {
      reportTelemetryFault(this.name, 'Recording a metric failed', error);
    }
  }

  private instrument(): Histogram {
    const provider = runtime.meterProvider ?? metrics.getMeterProvider();
    if (provider !== this.provider || this.histogram === undefined) {
      this.provider = provider;
      this.histogram = provider.getMeter(this.scope.name, this.scope.version).createHistogram(this.name, {
        description: this.description,
        unit: 's',
        advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
      });
    }
    return this.histogram;
  }
}
