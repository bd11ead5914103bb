import { ClientsModule } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { TracedClientKafka } from '@huleedu/nest-tracing-kafka';
import { kafkaBrokersFromEnv } from '@huleedu/sample-kafka';
import { LLM_PROVIDER_SERVICE } from './kafka.config.js';

/** Injection token of the traced Kafka client that publishes the service's events. */
export const LLM_EVENTS_CLIENT = Symbol('LLM_EVENTS_CLIENT');

/**
 * A producer-only `TracedClientKafka` for the brokers in `KAFKA_BROKERS` (read when the module is
 * created): every `emit` is a `kafka.produce.{topic}` PRODUCER span whose context travels in the
 * message headers. Closed with the application.
 */
export const LlmEventsClientModule = ClientsModule.registerAsync([
  {
    name: LLM_EVENTS_CLIENT,
    useFactory: () => ({
      customClass: TracedClientKafka,
      options: {
        client: {
          clientId: `${LLM_PROVIDER_SERVICE}-events`,
          brokers: kafkaBrokersFromEnv(),
          logLevel: logLevel.NOTHING,
        },
        producerOnlyMode: true,
      },
    }),
  },
]);
