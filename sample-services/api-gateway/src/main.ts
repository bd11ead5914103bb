import './instrumentation.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TracedConsoleLogger } from '@huleedu/nest-tracing-logging';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';

const DEFAULT_PORT = 3000;
const HOST = '127.0.0.1';

/**
 * Boots the gateway over HTTP (Express) on `PORT` (default 3000), on loopback. Shutdown hooks flush
 * the spans on SIGTERM.
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: new TracedConsoleLogger() });
  app.enableShutdownHooks();
  // Above the file service's 1 MB file limit, so the file service decides about the size.
  app.useBodyParser('json', { limit: '2mb' });
  await app.listen(Number(process.env.PORT ?? DEFAULT_PORT), HOST);
  new Logger('ApiGateway').log(`api-gateway listening on ${await app.getUrl()}`);
}

await bootstrap();
