import { metrics } from '@opentelemetry/api';
import type { Attributes, MeterProvider as MeterProviderApi } from '@opentelemetry/api';
import type { Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';

/** A metric reader the spec collects from on demand (no export interval, no timing). */
class CollectingReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Tracing to the in-memory store and a real MeterProvider registered globally, collected on demand. */
export interface ResilienceHarness {
  moduleRef: TestingModule;
  spans: TestSpans;
  /** The data points of `metricName` now, as `[attributes, value]`. */
  points(metricName: string): Promise<Array<[Attributes, number]>>;
  /** Register `provider` globally instead (a broken one, say); without one, the harness's own again. */
  useMeterProvider(provider?: MeterProviderApi): void;
  close(): Promise<void>;
}

export async function startHarness(imports: any[] = [], providers: Provider[] = []): Promise<ResilienceHarness> {
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.disable();
  metrics.setGlobalMeterProvider(meterProvider);
  const moduleRef = await Test.createTestingModule({
    imports: [TracingTestingModule.forRoot({ serviceName: 'resilience-spec' }), ...imports],
    providers,
  }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    spans: moduleRef.get(TestSpans),
    async points(metricName) {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .find((candidate) => candidate.descriptor.name === metricName);
      return ((metric?.dataPoints ?? []) as Array<DataPoint<number>>).map((point) => [point.attributes, point.value]);
    },
    useMeterProvider(provider = meterProvider) {
      metrics.disable();
      metrics.setGlobalMeterProvider(provider);
    },
    async close() {
      await moduleRef.close();
      await meterProvider.shutdown();
      metrics.disable();
    },
  };
}

/** A promise and its resolve function, to hold work in flight without timers. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}
