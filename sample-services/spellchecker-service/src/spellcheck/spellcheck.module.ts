import { Module } from '@nestjs/common';
import { SpellcheckService } from './spellcheck.service.js';

/** The spellchecking domain: `SpellcheckService` (fed by `SpellcheckEventsModule`'s Kafka handler). */
@Module({
  providers: [SpellcheckService],
  exports: [SpellcheckService],
})
export class SpellcheckModule {}
