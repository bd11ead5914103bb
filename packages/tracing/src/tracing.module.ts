import { Inject, Module, Optional } from '@nestjs/common';
import type { MiddlewareConsumer, NestModule, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { TraceService } from './api/trace.service.js';
import { HttpClientTracing } from './http/client/http-client-tracing.service.js';
import { HttpRouteTable } from './http/http-route-table.js';
import { HTTP_TRACING_OPTIONS } from './http/http-tracing.tokens.js';
import { claimHttpTracing, ownsHttpTracing } from './http/http-tracing-owner.js';
import type { HttpTracingClaim } from './http/http-tracing-owner.js';
import { resolveHttpOptions } from './http/resolve-http-options.js';
import type { ResolvedHttpOptions } from './http/resolve-http-options.js';
import { ServerSpanMiddleware } from './http/server-span.middleware.js';
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
 * uses that one), provides `TraceService` (globally unless `isGlobal: false`), traces HTTP requests
 * and outgoing calls (option `http`), and on application shutdown flushes and shuts the provider
 * down, once. Invalid options fail the application's start with a `TracingConfigError` that says
 * how to fix them.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: TRACING_LEASE,
      useFactory: (options: TracingModuleOptions) => acquireTracing(options),
      inject: [TRACING_MODULE_OPTIONS],
    },
    {
      provide: HTTP_TRACING_OPTIONS,
      useFactory: (options: TracingModuleOptions) => resolveHttpOptions(options.http),
      inject: [TRACING_MODULE_OPTIONS],
    },
    TraceService,
    HttpRouteTable,
    ServerSpanMiddleware,
    HttpClientTracing,
  ],
  exports: [TraceService],
})
export class TracingModule extends ConfigurableTracingModule implements NestModule, OnApplicationShutdown {
  private readonly httpClaim: HttpTracingClaim;

  constructor(
    @Inject(TRACING_LEASE) private readonly lease: TracingLease,
    @Inject(HTTP_TRACING_OPTIONS) private readonly httpOptions: ResolvedHttpOptions | undefined,
    @Inject(TRACING_MODULE_OPTIONS) options: TracingModuleOptions,
    private readonly serverSpans: ServerSpanMiddleware,
    httpClient: HttpClientTracing,
    private readonly modules: ModulesContainer,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    super();
    this.httpClaim = { options: httpOptions, override: options.override === true };
    claimHttpTracing(modules, this.httpClaim);
    httpClient.enabledWhen(() => ownsHttpTracing(modules, this.httpClaim));
  }

  /**
   * Every HTTP request goes through the SERVER span tracer first (unless `http: false`), mounted on
   * the HTTP adapter itself rather than through the consumer (Nest mounts module middleware under the
   * global prefix only, and a 404 or an excluded path must get its SERVER span too): a middleware on
   * Express, an `onRequest` hook on Fastify. `configure` runs before Nest registers the routes. No
   * global interceptor is registered: one costs every request an Observable pipeline.
   */
  configure(_consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!this.httpOptions || !adapter || !ownsHttpTracing(this.modules, this.httpClaim)) return;
    if (adapter.getType() === 'fastify') {
      const fastify = adapter.getInstance<{
        addHook(name: 'onRequest', hook: (request: never, reply: never, done: () => void) => void): unknown;
      }>();
      fastify.addHook('onRequest', (request, reply, done) => this.serverSpans.onFastifyRequest(request, reply, done));
    } else {
      adapter.use((request: never, response: never, next: () => void) => this.serverSpans.use(request, response, next));
    }
  }

  /** Flush and, for the last user of the provider, shut it down. */
  async onApplicationShutdown(): Promise<void> {
    await this.lease.release();
  }
}
