import { Module } from '@nestjs/common';
import { ESSAY_EVENTS_PRODUCER, essayEventsProducerFromEnv } from './essay-events.producer.js';
import { EssayEventsPublisher } from './essay-events.publisher.js';

/** The file service's Kafka events: a traced producer when `KAFKA_BROKERS` is set, and the publisher. */
@Module({
  providers: [EssayEventsPublisher, { provide: ESSAY_EVENTS_PRODUCER, useFactory: essayEventsProducerFromEnv }],
  exports: [EssayEventsPublisher],
})
export class EssayEventsModule {}
