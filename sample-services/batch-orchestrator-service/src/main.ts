import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracedConsoleLogger } from '@huleedu/nest-tracing-logging';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module.js';
import { kafkaBrokersFromEnv } from '@huleedu/sample-kafka';
import { batchOrchestratorMicroserviceOptions } from './kafka/kafka.config.js';

/**
 * Boots the batch orchestrator as a Nest Kafka microservice on the brokers in `KAFKA_BROKERS` (default
 * `localhost:9092`). Shutdown hooks close the consumer and flush the spans on SIGTERM.
 */
async function bootstrap(): Promise<void> {
  const brokers = kafkaBrokersFromEnv();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    ...batchOrchestratorMicroserviceOptions(brokers),
    logger: new TracedConsoleLogger(),
  });
  app.enableShutdownHooks();
  await app.listen();
  new Logger('BatchOrchestratorService').log(`batch-orchestrator-service consuming from ${brokers.join(',')}`);
}

await bootstrap();
