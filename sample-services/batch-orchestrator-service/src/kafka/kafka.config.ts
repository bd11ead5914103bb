import type { CustomStrategy } from '@nestjs/microservices';
import { kafkaBrokersFromEnv, tracedKafkaStrategy } from '@huleedu/sample-kafka';

/** The service's name: kafkajs client id and consumer group (Nest appends `-server` and `-client`). */
export const BATCH_ORCHESTRATOR_SERVICE = 'batch-orchestrator-service';

/**
 * The service's transport (`@huleedu/sample-kafka`): Nest's Kafka server (consumer group
 * `batch-orchestrator-service-server`) with the processing hooks of `traceMicroservice`, so every message gets a
 * CONSUMER span with the consumer group, which `@TraceKafka` handlers enrich.
 */
export function batchOrchestratorMicroserviceOptions(brokers: string[] = kafkaBrokersFromEnv()): CustomStrategy {
  return tracedKafkaStrategy(BATCH_ORCHESTRATOR_SERVICE, brokers);
}
