import { Module } from '@nestjs/common';
import { SpellcheckService } from './spellcheck.service.js';

/** The spellchecking domain: `SpellcheckService`. The Kafka consumer that feeds it comes later. */
@Module({
  providers: [SpellcheckService],
  exports: [SpellcheckService],
})
export class SpellcheckModule {}
