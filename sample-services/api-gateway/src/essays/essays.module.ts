import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ResilienceTracingModule } from '@huleedu/nest-tracing-resilience';
import { BearerTokenGuard } from '../auth/bearer-token.guard.js';
import { EssayGatewayService } from './essay-gateway.service.js';
import { EssaysController } from './essays.controller.js';
import { upstreamBreaker } from './upstream-breakers.js';
import { UPSTREAM_URLS, upstreamUrlsFromEnv } from './upstream-urls.js';

/**
 * The essay routes: the guarded controller, the traced gateway service, its HTTP client, and a
 * traced circuit breaker per upstream (`@TracedCircuitBreaker('file-service' | 'content-service')`).
 */
@Module({
  imports: [
    HttpModule.register({ timeout: 10_000 }),
    // forRootAsync: the breakers (and their statistics timers) are made when the application starts, not at import.
    ResilienceTracingModule.forRootAsync({
      useFactory: () => ({
        policies: {
          'file-service': upstreamBreaker('file-service'),
          'content-service': upstreamBreaker('content-service'),
        },
      }),
    }),
  ],
  controllers: [EssaysController],
  providers: [EssayGatewayService, BearerTokenGuard, { provide: UPSTREAM_URLS, useFactory: upstreamUrlsFromEnv }],
})
export class EssaysModule {}
