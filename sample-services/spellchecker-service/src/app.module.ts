import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { SpellcheckEventsModule } from './events/spellcheck-events.module.js';
import { SpellcheckModule } from './spellcheck/spellcheck.module.js';

/** The spellchecker service: tracing (adopting the provider `instrumentation.ts` started), the domain and its Kafka handler. */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'spellchecker-service' }), SpellcheckModule, SpellcheckEventsModule],
})
export class AppModule {}
