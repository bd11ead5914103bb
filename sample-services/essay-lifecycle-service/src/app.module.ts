import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { EssayLifecycleModule } from './lifecycle/essay-lifecycle.module.js';

/** The essay lifecycle service: tracing (adopting the provider `instrumentation.ts` started) and the lifecycle. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'essay-lifecycle-service' }), EssayLifecycleModule],
})
export class AppModule {}
