import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { BatchModule } from './batch/batch.module.js';

/** The batch orchestrator: tracing (adopting the provider `instrumentation.ts` started) and batches. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'batch-orchestrator-service' }), BatchModule],
})
export class AppModule {}
