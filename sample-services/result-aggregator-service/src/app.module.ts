import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { ResultDatabaseModule } from './database/result-database.module.js';
import { ResultsModule } from './results/results.module.js';

/**
 * The result aggregator: tracing (adopting the provider `instrumentation.ts` started), the results
 * database with a CLIENT span per statement, and the Kafka handlers.
 */
@Module({
  imports: [TracingModule.forRoot({ serviceName: 'result-aggregator-service' }), ResultDatabaseModule, ResultsModule],
})
export class AppModule {}
