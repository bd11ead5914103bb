import { ServerKafka } from '@nestjs/microservices';
import type { CustomStrategy, KafkaOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { traceMicroservice } from '@huleedu/nest-tracing-kafka';

/** The service's name: kafkajs client id and consumer group (Nest appends `-server` and `-client`). */
export const CJ_ASSESSMENT_SERVICE = 'cj-assessment-service';

/** The Kafka brokers from `KAFKA_BROKERS` (`host:port[,host:port...]`), else `localhost:9092`. */
export function kafkaBrokersFromEnv(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : ['localhost:9092'];
}

/**
 * Options of the Nest Kafka server: consumer group `cj-assessment-service-server`. A new group reads
 * from the beginning (no request is missed between start-up and the first fetch); short session,
 * rebalance and fetch-wait times keep joins and deliveries quick.
 */
export function kafkaServerOptions(brokers: string[] = kafkaBrokersFromEnv()): NonNullable<KafkaOptions['options']> {
  return {
    client: { clientId: CJ_ASSESSMENT_SERVICE, brokers, logLevel: logLevel.NOTHING },
    consumer: {
      groupId: CJ_ASSESSMENT_SERVICE,
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
export function cjAssessmentMicroserviceOptions(brokers: string[] = kafkaBrokersFromEnv()): CustomStrategy {
  return { strategy: traceMicroservice(new ServerKafka(kafkaServerOptions(brokers))) };
}

/**
 * Options of the service's Nest Kafka client: it sends judgement requests and reads their replies
 * (consumer group `cj-assessment-service-client` on `llm.judgement.requested.reply`), and emits
 * `essay.assessment.completed`.
 */
export function kafkaClientOptions(brokers: string[] = kafkaBrokersFromEnv()): NonNullable<KafkaOptions['options']> {
  return {
    client: { clientId: CJ_ASSESSMENT_SERVICE, brokers, logLevel: logLevel.NOTHING },
    consumer: {
      groupId: CJ_ASSESSMENT_SERVICE,
      sessionTimeout: 10_000,
      rebalanceTimeout: 5_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    },
    subscribe: { fromBeginning: true },
  };
}
