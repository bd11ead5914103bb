import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracedConsoleLogger } from '@huleedu/nest-tracing-logging';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module.js';
import { kafkaBrokersFromEnv, tracedKafkaStrategy } from '@huleedu/sample-kafka';
import { LIFECYCLE_CLIENT_ID } from './kafka/kafka-options.js';

/**
 * Boots the service as a Nest Kafka microservice on the brokers in `KAFKA_BROKERS`. The Kafka server
 * is wrapped by `traceMicroservice()`: one CONSUMER span per message, continuing the producer's
 * trace. No HTTP server: readiness is the "listening" log line, written once the consumer group is
 * joined. The essays' states are in the database of `openSampleDatabase()` (`DATABASE_URL`, else an
 * embedded PostgreSQL). Shutdown hooks close the consumer and the TypeORM data source, stop the
 * embedded database when the service runs one, and flush the spans on SIGTERM.
 */
async function bootstrap(): Promise<void> {
  const brokers = kafkaBrokersFromEnv();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    ...tracedKafkaStrategy(LIFECYCLE_CLIENT_ID, brokers),
    logger: new TracedConsoleLogger(),
  });
  app.enableShutdownHooks();
  await app.listen();
  new Logger('EssayLifecycleService').log(`essay-lifecycle-service listening on Kafka ${brokers.join(',')}`);
}

await bootstrap();
