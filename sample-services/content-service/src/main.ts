import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracedConsoleLogger } from '@huleedu/nest-tracing-logging';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';

const DEFAULT_PORT = 3002;
const HOST = '127.0.0.1';

/**
 * Boots the content service over HTTP (Express) on `PORT` (default 3002), on loopback, with its
 * contents in the database of `openSampleDatabase()` (`DATABASE_URL`, else an embedded PostgreSQL).
 * Shutdown hooks (SIGTERM, SIGINT) close the TypeORM data source, stop the embedded database when
 * the service runs one, and flush the spans.
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: new TracedConsoleLogger() });
  app.enableShutdownHooks();
  // Essays up to the file service's 1 MB limit, plus JSON escaping.
  app.useBodyParser('json', { limit: '2mb' });
  await app.listen(Number(process.env.PORT ?? DEFAULT_PORT), HOST);
  new Logger('ContentService').log(`content-service listening on ${await app.getUrl()}`);
}

await bootstrap();
