import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { SpellcheckModule } from './spellcheck/spellcheck.module.js';

/** The spellchecker service: tracing (adopting the provider `instrumentation.ts` started) and the domain. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'spellchecker-service' }), SpellcheckModule],
})
export class AppModule {}
