import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

/**
 * Boots the service as a Nest application context (no HTTP server: the service is driven by Kafka
 * events, and the consumer arrives in a later issue). Shutdown hooks flush spans on SIGTERM.
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule);
  app.enableShutdownHooks();
  new Logger('SpellcheckerService').log('spellchecker-service started');
}

await bootstrap();
