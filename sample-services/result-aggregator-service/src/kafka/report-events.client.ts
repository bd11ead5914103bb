import { ClientsModule } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { TracedClientKafka } from '@huleedu/nest-tracing-kafka';
import { kafkaBrokersFromEnv } from '@huleedu/sample-kafka';
import { RESULT_AGGREGATOR_SERVICE } from './kafka.config.js';

/** Injection token of the traced Kafka client that publishes the batch reports. */
export const REPORT_EVENTS_CLIENT = Symbol('REPORT_EVENTS_CLIENT');

/**
 * A producer-only `TracedClientKafka` for the brokers in `KAFKA_BROKERS` (read when the module is
 * created): every `emit` is a `kafka.produce.{topic}` PRODUCER span whose context travels in the
 * message headers. Closed with the application.
 */
export const ReportEventsClientModule = ClientsModule.registerAsync([
  {
    name: REPORT_EVENTS_CLIENT,
    useFactory: () => ({
      customClass: TracedClientKafka,
      options: {
        client: {
          clientId: `${RESULT_AGGREGATOR_SERVICE}-events`,
          brokers: kafkaBrokersFromEnv(),
          logLevel: logLevel.NOTHING,
        },
        producerOnlyMode: true,
      },
    }),
  },
]);
