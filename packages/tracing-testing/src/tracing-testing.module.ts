import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import type { TracingModuleOptions } from '@huleedu/nest-tracing';
import { getTestSpanStore } from './span-store.js';
import { TestSpans } from './test-spans.js';
import { getTestMetricReader } from './metrics/test-metric.reader.js';
import { TestMetrics } from './metrics/test-metrics.js';

/** Options of `TracingTestingModule.forRoot()`: the module options that make sense in a test. */
export type TracingTestingOptions = TracingTestingModuleOptions & {
  /**
   * Record the duration metrics too, into a meter provider of the test's own read by the injectable
   * `TestMetrics` (in memory, nothing exported). Default: `false`, as in an application.
   */
  metrics?: boolean;
};

type TracingTestingModuleOptions = Pick<
  TracingModuleOptions,
  | 'serviceName'
  | 'spanNamePrefix'
  | 'sampling'
  | 'errorClassifier'
  | 'attributeValueLengthLimit'
  | 'resourceAttributes'
  | 'http'
  | 'propagators'
>;

/**
 * Tracing for `Test.createTestingModule()`: spans go to an in-memory store synchronously (no
 * network, no batching), context flows through AsyncLocalStorage, and `TestSpans` is injectable.
 *
 * It may sit next to the application's own `TracingModule.forRoot()`: it then takes over the
 * provider (nothing is exported to a real backend) and keeps the application's span naming.
 * Modules created one after another start clean; modules open at the same time share the store.
 * Default `serviceName`: `'test-service'`. With `metrics: true`, the duration metrics go to an
 * in-memory reader that the injectable `TestMetrics` collects from.
 */
@Module({})
export class TracingTestingModule {
  static forRoot({ metrics, ...options }: TracingTestingOptions = {}): DynamicModule {
    return {
      module: TracingTestingModule,
      global: true,
      imports: [
        TracingModule.forRoot({
          serviceName: 'test-service',
          ...options,
          exporter: 'none',
          spanProcessors: [getTestSpanStore()],
          spanProcessor: 'simple',
          override: true,
          enabled: true,
          metrics: metrics === true ? { exporter: 'none', readers: [getTestMetricReader()] } : false,
        }),
      ],
      providers: [
        {
          provide: TestSpans,
          useFactory: () => {
            const spans = new TestSpans(getTestSpanStore());
            spans.reset();
            return spans;
          },
        },
        // collections read the meter provider this module starts; what earlier modules recorded is gone
        { provide: TestMetrics, useFactory: () => new TestMetrics(getTestMetricReader()) },
      ],
      exports: [TestSpans, TestMetrics, TracingModule],
    };
  }
}
