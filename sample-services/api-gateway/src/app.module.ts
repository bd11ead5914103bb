import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { EssaysModule } from './essays/essays.module.js';
import { HealthController } from './health/health.controller.js';

/** The API gateway: tracing (adopting the provider `instrumentation.ts` started), health, and the essay routes. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'api-gateway' }), EssaysModule],
  controllers: [HealthController],
})
export class AppModule {}
