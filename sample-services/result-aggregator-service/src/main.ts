import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracedConsoleLogger } from '@huleedu/nest-tracing-logging';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module.js';
import { kafkaBrokersFromEnv } from '@huleedu/sample-kafka';
import { resultAggregatorMicroserviceOptions } from './kafka/kafka.config.js';

/**
 * Boots the result aggregator as a Nest Kafka microservice on the brokers in `KAFKA_BROKERS` (default
 * `localhost:9092`), with its results in the database of `openSampleDatabase()` (`DATABASE_URL`, else
 * an embedded PostgreSQL). Shutdown hooks close the consumer, the database and flush the spans on
 * SIGTERM.
 */
async function bootstrap(): Promise<void> {
  const brokers = kafkaBrokersFromEnv();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    ...resultAggregatorMicroserviceOptions(brokers),
    logger: new TracedConsoleLogger(),
  });
  app.enableShutdownHooks();
  await app.listen();
  new Logger('ResultAggregatorService').log(`result-aggregator-service consuming from ${brokers.join(',')}`);
}

await bootstrap();
