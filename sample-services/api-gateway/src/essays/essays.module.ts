import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { BearerTokenGuard } from '../auth/bearer-token.guard.js';
import { EssayGatewayService } from './essay-gateway.service.js';
import { EssaysController } from './essays.controller.js';
import { UPSTREAM_URLS, upstreamUrlsFromEnv } from './upstream-urls.js';

/** The essay routes: the guarded controller, the traced gateway service and its HTTP client. */
@Module({
  imports: [HttpModule.register({ timeout: 10_000 })],
  controllers: [EssaysController],
  providers: [EssayGatewayService, BearerTokenGuard, { provide: UPSTREAM_URLS, useFactory: upstreamUrlsFromEnv }],
})
export class EssaysModule {}
