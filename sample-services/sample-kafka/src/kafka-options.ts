import { ServerKafka } from '@nestjs/microservices';
import type { CustomStrategy, KafkaOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { traceMicroservice } from '@huleedu/nest-tracing-kafka';

/** The Kafka brokers from `KAFKA_BROKERS` (`host:port[,host:port...]`), else `localhost:9092`. */
export function kafkaBrokersFromEnv(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : ['localhost:9092'];
}

/**
 * Options of a sample service's Nest Kafka server: `service` is the kafkajs client id and consumer
 * group (Nest appends `-server`). A new group reads from the beginning (nothing is missed between
 * start-up and the first fetch); short session, rebalance and fetch-wait times keep joins and
 * deliveries quick on a small cluster and in tests.
 */
export function kafkaServerOptions(
  service: string,
  brokers: string[] = kafkaBrokersFromEnv(),
): NonNullable<KafkaOptions['options']> {
  return {
    client: { clientId: service, brokers, logLevel: logLevel.NOTHING },
    consumer: {
      groupId: service,
      sessionTimeout: 10_000,
      rebalanceTimeout: 5_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    },
    subscribe: { fromBeginning: true },
  };
}

/**
 * A sample service's transport: Nest's Kafka server with the processing hooks of
 * `traceMicroservice`, so every message gets a CONSUMER span with the consumer group, which
 * `@TraceKafka` handlers enrich.
 */
export function tracedKafkaStrategy(service: string, brokers: string[] = kafkaBrokersFromEnv()): CustomStrategy {
  return { strategy: traceMicroservice(new ServerKafka(kafkaServerOptions(service, brokers))) };
}
