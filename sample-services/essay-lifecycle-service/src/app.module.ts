import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { TypeOrmTracingModule } from '@huleedu/nest-tracing-typeorm';
import { DatabaseModule } from './database/database.module.js';
import { EssayLifecycleModule } from './lifecycle/essay-lifecycle.module.js';

/**
 * The essay lifecycle service: tracing (adopting the provider `instrumentation.ts` started) with a
 * span per SQL statement and transaction, the database, and the lifecycle.
 */
@Module({
  imports: [
    TracingModule.forRoot({ serviceName: 'essay-lifecycle-service' }),
    DatabaseModule.forRoot(),
    TypeOrmTracingModule.forRoot(),
    EssayLifecycleModule,
  ],
})
export class AppModule {}
