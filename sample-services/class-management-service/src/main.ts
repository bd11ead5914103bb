import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracedConsoleLogger } from '@huleedu/nest-tracing-logging';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';

const DEFAULT_PORT = 3004;
const HOST = '127.0.0.1';

/**
 * Boots the class management service over HTTP (Express) on `PORT` (default 3004), on loopback.
 * Shutdown hooks (SIGTERM, SIGINT) close the TypeORM data source, stop the embedded database when
 * the service runs one (no `DATABASE_URL`), and flush the spans.
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: new TracedConsoleLogger() });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? DEFAULT_PORT), HOST);
  new Logger('ClassManagementService').log(`class-management-service listening on ${await app.getUrl()}`);
}

await bootstrap();
