import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { TracedClientKafka } from '@huleedu/nest-tracing-kafka';
import { kafkaClientOptions } from '../kafka/kafka-options.js';
import { SpellcheckModule } from '../spellcheck/spellcheck.module.js';
import { SPELLCHECK_EVENTS_CLIENT, SpellcheckRequestController } from './spellcheck-request.controller.js';

/**
 * The spellchecker's Kafka side: the `essay.spellcheck.requested` handler and a traced producer-only
 * client for the results. The client connects on its first publish, so an application context
 * without a Kafka server (the demo) never touches Kafka.
 */
@Module({
  imports: [
    SpellcheckModule,
    ClientsModule.registerAsync([
      {
        name: SPELLCHECK_EVENTS_CLIENT,
        useFactory: () => ({ customClass: TracedClientKafka, options: kafkaClientOptions() }),
      },
    ]),
  ],
  controllers: [SpellcheckRequestController],
})
export class SpellcheckEventsModule {}
