import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import type { TracingModuleOptions } from '@huleedu/nest-tracing';
import { getTestSpanStore } from './span-store.js';
import { TestSpans } from './test-spans.js';

/** Options of `TracingTestingModule.forRoot()`: the module options that make sense in a test. */
export type TracingTestingOptions = Pick<
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
 * Default `serviceName`: `'test-service'`.
 */
@Module({})
export class TracingTestingModule {
  static forRoot(options: TracingTestingOptions = {}): DynamicModule {
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
      ],
      exports: [TestSpans, TracingModule],
    };
  }
}
