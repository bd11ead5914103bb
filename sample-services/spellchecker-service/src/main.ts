import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracedConsoleLogger } from '@huleedu/nest-tracing-logging';
import { Transport } from '@nestjs/microservices';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module.js';
import { kafkaBrokersFromEnv, kafkaServerOptions } from '@huleedu/sample-kafka';
import { SPELLCHECKER_CLIENT_ID } from './kafka/kafka-options.js';

/**
 * Boots the service as a Nest Kafka microservice on the brokers in `KAFKA_BROKERS` (no HTTP server:
 * the service is driven by `essay.spellcheck.requested` events, traced by `@TraceKafka()` on the
 * handler). Readiness is the "listening" log line, written once the consumer group is joined.
 * Shutdown hooks flush spans on SIGTERM.
 */
async function bootstrap(): Promise<void> {
  const brokers = kafkaBrokersFromEnv();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
    transport: Transport.KAFKA,
    options: kafkaServerOptions(SPELLCHECKER_CLIENT_ID, brokers),
    logger: new TracedConsoleLogger(),
  });
  app.enableShutdownHooks();
  await app.listen();
  new Logger('SpellcheckerService').log(`spellchecker-service listening on Kafka ${brokers.join(',')}`);
}

await bootstrap();
