import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { TypeOrmTracingModule } from '@huleedu/nest-tracing-typeorm';
import { ContentModule } from './content/content.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthController } from './health/health.controller.js';

/**
 * The content service: tracing (adopting the provider `instrumentation.ts` started) with a span per
 * SQL statement, the database, health, and the store.
 */
@Module({
  imports: [
    TracingModule.forRoot({ serviceName: 'content-service' }),
    DatabaseModule.forRoot(),
    TypeOrmTracingModule.forRoot(),
    ContentModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
