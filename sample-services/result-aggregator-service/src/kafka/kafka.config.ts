import { ServerKafka } from '@nestjs/microservices';
import type { CustomStrategy, KafkaOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { traceMicroservice } from '@huleedu/nest-tracing-kafka';

/** The service's name: kafkajs client id and consumer group (Nest appends `-server` and `-client`). */
export const RESULT_AGGREGATOR_SERVICE = 'result-aggregator-service';

/** The Kafka brokers from `KAFKA_BROKERS` (`host:port[,host:port...]`), else `localhost:9092`. */
export function kafkaBrokersFromEnv(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : ['localhost:9092'];
}

/**
 * Options of the Nest Kafka server: consumer group `result-aggregator-service-server`. A new group reads
 * from the beginning (no result is missed between start-up and the first fetch); short session,
 * rebalance and fetch-wait times keep joins and deliveries quick.
 */
export function kafkaServerOptions(brokers: string[] = kafkaBrokersFromEnv()): NonNullable<KafkaOptions['options']> {
  return {
    client: { clientId: RESULT_AGGREGATOR_SERVICE, brokers, logLevel: logLevel.NOTHING },
    consumer: {
      groupId: RESULT_AGGREGATOR_SERVICE,
      sessionTimeout: 10_000,
      rebalanceTimeout: 5_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    },
    subscribe: { fromBeginning: true },
  };
}

/**
 * The service's transport: Nest's Kafka server with the processing hooks of `traceMicroservice`, so
 * every message gets a CONSUMER span with the consumer group, which `@TraceKafka` handlers enrich.
 */
export function resultAggregatorMicroserviceOptions(brokers: string[] = kafkaBrokersFromEnv()): CustomStrategy {
  return { strategy: traceMicroservice(new ServerKafka(kafkaServerOptions(brokers))) };
}
