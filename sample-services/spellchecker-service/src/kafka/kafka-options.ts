import { logLevel } from 'kafkajs';
import type { KafkaOptions } from '@nestjs/microservices';
import { kafkaBrokersFromEnv } from '@huleedu/sample-kafka';

/**
 * The kafkajs client id and consumer group (Nest's server appends `-server` to both); the server's
 * options are `kafkaServerOptions(SPELLCHECKER_CLIENT_ID)` of `@huleedu/sample-kafka`.
 */
export const SPELLCHECKER_CLIENT_ID = 'spellchecker-service';

/** Options of the producer-only Nest Kafka client that publishes the service's events. */
export function kafkaClientOptions(brokers: string[] = kafkaBrokersFromEnv()): NonNullable<KafkaOptions['options']> {
  return {
    client: { clientId: `${SPELLCHECKER_CLIENT_ID}-events`, brokers, logLevel: logLevel.NOTHING },
    producerOnlyMode: true,
  };
}
