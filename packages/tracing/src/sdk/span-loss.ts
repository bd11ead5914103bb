import { createNoopMeter } from '@opentelemetry/api';
import type { Attributes, Counter, Meter, MeterProvider } from '@opentelemetry/api';
import { Logger } from '@nestjs/common';

/** Spans this process's tracing lost since it started, by cause. */
export interface SpanLoss {
  /** Dropped by a batch processor whose queue was full (a burst faster than the exporter drains). */
  readonly queueFull: number;
  /** In exports that failed (after the exporter's own retries): the collector was unreachable or refused them. */
  readonly exportFailed: number;
  /** `queueFull + exportFailed`. */
  readonly total: number;
}

/** The first report this long after a loss, so a burst is one line; then at most one per interval. */
const REPORT_DELAY_MS = 1000;
const REPORT_INTERVAL_MS = 60_000;
/** The self-observability metric OpenTelemetry's span processors count finished spans with (`error.type` on loss). */
const PROCESSED_SPANS_METRIC = 'otel.sdk.processor.span.processed';

const logger = new Logger('nest-tracing');

class SpanLossCounter {
  queueFull = 0;
  exportFailed = 0;
  private reported = { queueFull: 0, exportFailed: 0 };
  private lastReportAt = 0;
  private timer: NodeJS.Timeout | undefined;

  record(cause: 'queueFull' | 'exportFailed', count: number): void {
    if (!(count > 0)) return;
    this[cause] += count;
    if (this.timer) return;
    const wait = Math.max(REPORT_DELAY_MS, this.lastReportAt + REPORT_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => this.report(false), wait);
    this.timer.unref();
  }

  /** WARN through Nest's logger what was lost since the last report; nothing when nothing was. */
  report(atShutdown: boolean): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const queueFull = this.queueFull - this.reported.queueFull;
    const exportFailed = this.exportFailed - this.reported.exportFailed;
    if (queueFull + exportFailed === 0) return;
    this.reported = { queueFull: this.queueFull, exportFailed: this.exportFailed };
    this.lastReportAt = Date.now();
    const causes = [
      queueFull > 0
        ? `${queueFull} because the batch queue was full (raise batch.maxQueueSize or OTEL_BSP_MAX_QUEUE_SIZE for bursts)`
        : '',
      exportFailed > 0 ? `${exportFailed} in exports that failed (is the collector reachable?)` : '',
    ].filter(Boolean);
    const when = atShutdown ? 'at shutdown' : 'while running';
    try {
      logger.warn(
        `Dropped ${queueFull + exportFailed} spans ${when}: ${causes.join('; ')}. ${this.queueFull + this.exportFailed} since the start; getSpanLoss() reads the counts.`,
      );
    } catch {
      // a logger that throws must not reach application code
    }
  }

  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queueFull = 0;
    this.exportFailed = 0;
    this.reported = { queueFull: 0, exportFailed: 0 };
    this.lastReportAt = 0;
  }
}

const COUNTER_KEY = Symbol.for('huleedu.nest-tracing.span-loss');
const host = globalThis as { [COUNTER_KEY]?: SpanLossCounter };
/** One counter per process (shared across module copies, as the provider is). */
export const spanLoss: SpanLossCounter = (host[COUNTER_KEY] ??= new SpanLossCounter());

/**
 * The spans nest-tracing's span processors lost since the process started: dropped because a batch
 * queue was full, or in exports that failed. Lost spans are also reported at WARN through Nest's
 * logger, within a second of a loss and at most once a minute while running, and at shutdown. For
 * health checks and tests. Spans of a provider the application started itself are not counted.
 */
export function getSpanLoss(): SpanLoss {
  return {
    queueFull: spanLoss.queueFull,
    exportFailed: spanLoss.exportFailed,
    total: spanLoss.queueFull + spanLoss.exportFailed,
  };
}

/**
 * A meter provider for a batch processor's self-observability (`selfObsMeterProvider`) that only
 * counts the spans it drops because its queue is full (`otel.sdk.processor.span.processed` with
 * `error.type=queue_full`); every other instrument is a no-op. Export failures are counted by
 * `ReportingSpanExporter`, which also sees exporters of simple processors.
 */
export function queueLossMeterProvider(): MeterProvider {
  const noop = createNoopMeter();
  const counter: Counter = {
    add: (value: number, attributes?: Attributes) => {
      if (attributes?.['error.type'] === 'queue_full') spanLoss.record('queueFull', value);
    },
  };
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter: (name: string, options?: Parameters<Meter['createCounter']>[1]) =>
      name === PROCESSED_SPANS_METRIC ? counter : noop.createCounter(name, options),
  });
  return { getMeter: () => meter };
}
