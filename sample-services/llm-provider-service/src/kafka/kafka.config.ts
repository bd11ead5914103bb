import type { CustomStrategy } from '@nestjs/microservices';
import { kafkaBrokersFromEnv, tracedKafkaStrategy } from '@huleedu/sample-kafka';

/** The service's name: kafkajs client id and consumer group (Nest appends `-server` and `-client`). */
export const LLM_PROVIDER_SERVICE = 'llm-provider-service';

/**
 * The service's transport (`@huleedu/sample-kafka`): Nest's Kafka server (consumer group
 * `llm-provider-service-server`) with the processing hooks of `traceMicroservice`, so every message gets a
 * CONSUMER span with the consumer group, which `@TraceKafka` handlers enrich.
 */
export function llmProviderMicroserviceOptions(brokers: string[] = kafkaBrokersFromEnv()): CustomStrategy {
  return tracedKafkaStrategy(LLM_PROVIDER_SERVICE, brokers);
}
