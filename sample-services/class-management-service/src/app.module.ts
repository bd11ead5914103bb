import { Module } from '@nestjs/common';
import { TracingModule } from '@huleedu/nest-tracing';
import { TypeOrmTracingModule } from '@huleedu/nest-tracing-typeorm';
import { ClassesModule } from './classes/classes.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EnrolmentsModule } from './enrolments/enrolments.module.js';
import { HealthController } from './health/health.controller.js';
import { StudentsModule } from './students/students.module.js';

/**
 * The class management service: tracing (adopting the provider `instrumentation.ts` started) with
 * a span per SQL statement and transaction, the database, health, classes, students and enrolments.
 */
@Module({
  imports: [
    TracingModule.forRoot({ serviceName: 'class-management-service' }),
    DatabaseModule.forRoot(),
    TypeOrmTracingModule.forRoot(),
    ClassesModule,
    StudentsModule,
    EnrolmentsModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
