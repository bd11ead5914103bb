import { Inject, Module } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { TraceService } from './api/trace.service.js';
import { acquireTracing } from './sdk/tracing-lifecycle.js';
import type { TracingLease } from './sdk/tracing-lifecycle.js';
import { ConfigurableTracingModule, TRACING_MODULE_OPTIONS } from './tracing.module-definition.js';
import type { TracingModuleOptions } from './tracing.options.js';

const TRACING_LEASE = Symbol.for('huleedu.nest-tracing.lease');

/**
 * Tracing for a Nest application: import once, in the root module.
 *
 * `TracingModule.forRoot({ serviceName: 'file-service' })` (or `forRootAsync({ useFactory, inject })`)
 * starts an OpenTelemetry tracer provider unless the application already registered one (then it
 * uses that one), provides `TraceService` (globally unless `isGlobal: false`), and on application
 * shutdown flushes and shuts the provider down, once. Invalid options fail the application's start
 * with a `TracingConfigError` that says how to fix them.
 */
@Module({
  providers: [
    {
      provide: TRACING_LEASE,
      useFactory: (options: TracingModuleOptions) => acquireTracing(options),
      inject: [TRACING_MODULE_OPTIONS],
    },
    TraceService,
  ],
  exports: [TraceService],
})
export class TracingModule extends ConfigurableTracingModule implements OnApplicationShutdown {
  constructor(@Inject(TRACING_LEASE) private readonly lease: TracingLease) {
    super();
  }

  /** Flush and, for the last user of the provider, shut it down. */
  async onApplicationShutdown(): Promise<void> {
    await this.lease.release();
  }
}
