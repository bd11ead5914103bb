import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { AssessmentModule } from './assessment/assessment.module.js';

/** The CJ assessment service: tracing (adopting the provider `instrumentation.ts` started) and assessment. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'cj-assessment-service' }), AssessmentModule],
})
export class AppModule {}
