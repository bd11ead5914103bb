import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { FilesModule } from './files/files.module.js';
import { HealthController } from './health/health.controller.js';

/** The file service: tracing (adopting the provider `instrumentation.ts` started), health, and uploads. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'file-service' }), FilesModule],
  controllers: [HealthController],
})
export class AppModule {}
