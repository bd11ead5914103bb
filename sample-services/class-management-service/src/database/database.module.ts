import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { SampleDatabaseModule } from '@huleedu/sample-database';
import type { SampleDatabaseOptions } from '@huleedu/sample-database';
import { CLASS_MANAGEMENT_ENTITIES } from '../entities/class-management.entities.js';

/**
 * The service's TypeORM data source on the sample database (`SampleDatabaseModule` of
 * `@huleedu/sample-database`). `synchronize` creates the tables (`classes`, `students`, `enrolments`) at start-up: enough for a sample, no
 * migrations. The database is closed and, when embedded, stopped when the application shuts down.
 */
@Module({})
export class DatabaseModule {
  static forRoot(open: SampleDatabaseOptions = {}): DynamicModule {
    return SampleDatabaseModule.forRoot({ open, entities: [...CLASS_MANAGEMENT_ENTITIES], synchronize: true });
  }
}
