import { logLevel } from 'kafkajs';
import type { KafkaOptions } from '@nestjs/microservices';

/** The kafkajs client id and consumer group (Nest's server appends `-server` to both). */
export const SPELLCHECKER_CLIENT_ID = 'spellchecker-service';

/** The Kafka brokers: `KAFKA_BROKERS` (`host:port[,host:port...]`), else `localhost:9092`. */
export function kafkaBrokersFromEnv(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : ['localhost:9092'];
}

/**
 * Options of the Nest Kafka server. A new consumer group reads from the beginning (no event is
 * missed between start-up and the first fetch); short session, rebalance and fetch-wait times keep
 * joins and deliveries quick on a small cluster and in tests.
 */
export function kafkaServerOptions(brokers: string[] = kafkaBrokersFromEnv()): NonNullable<KafkaOptions['options']> {
  return {
    client: { clientId: SPELLCHECKER_CLIENT_ID, brokers, logLevel: logLevel.NOTHING },
    consumer: {
      groupId: SPELLCHECKER_CLIENT_ID,
      sessionTimeout: 10_000,
      rebalanceTimeout: 5_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    },
    subscribe: { fromBeginning: true },
  };
}

/** Options of the producer-only Nest Kafka client that publishes the service's events. */
export function kafkaClientOptions(brokers: string[] = kafkaBrokersFromEnv()): NonNullable<KafkaOptions['options']> {
  return {
    client: { clientId: `${SPELLCHECKER_CLIENT_ID}-events`, brokers, logLevel: logLevel.NOTHING },
    producerOnlyMode: true,
  };
}
