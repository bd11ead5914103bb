import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { ContentModule } from './content/content.module.js';
import { HealthController } from './health/health.controller.js';

/** The content service: tracing (adopting the provider `instrumentation.ts` started), health, and the store. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'content-service' }), ContentModule],
  controllers: [HealthController],
})
export class AppModule {}
