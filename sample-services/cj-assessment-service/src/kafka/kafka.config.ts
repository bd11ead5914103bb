import type { CustomStrategy, KafkaOptions } from '@nestjs/microservices';
import { kafkaBrokersFromEnv, kafkaServerOptions, tracedKafkaStrategy } from '@huleedu/sample-kafka';

/** The service's name: kafkajs client id and consumer group (Nest appends `-server` and `-client`). */
export const CJ_ASSESSMENT_SERVICE = 'cj-assessment-service';

/**
 * The service's transport (`@huleedu/sample-kafka`): Nest's Kafka server (consumer group
 * `cj-assessment-service-server`) with the processing hooks of `traceMicroservice`, so every message gets a
 * CONSUMER span with the consumer group, which `@TraceKafka` handlers enrich.
 */
export function cjAssessmentMicroserviceOptions(brokers: string[] = kafkaBrokersFromEnv()): CustomStrategy {
  return tracedKafkaStrategy(CJ_ASSESSMENT_SERVICE, brokers);
}

/**
 * Options of the service's Nest Kafka client: it sends judgement requests and reads their replies
 * (consumer group `cj-assessment-service-client` on `llm.judgement.requested.reply`), and emits
 * `essay.assessment.completed`. The same client, consumer and subscription settings as the server.
 */
export function kafkaClientOptions(brokers: string[] = kafkaBrokersFromEnv()): NonNullable<KafkaOptions['options']> {
  return kafkaServerOptions(CJ_ASSESSMENT_SERVICE, brokers);
}
