import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { JudgementModule } from './judgement/judgement.module.js';

/** The LLM provider service: tracing (adopting the provider `instrumentation.ts` started) and judgements. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'llm-provider-service' }), JudgementModule],
})
export class AppModule {}
