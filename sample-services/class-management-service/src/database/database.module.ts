import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { SampleDatabase, SampleDatabaseOptions } from '@huleedu/sample-database';
import { CLASS_MANAGEMENT_ENTITIES } from '../entities/class-management.entities.js';
import { DatabaseShutdown } from './database-shutdown.js';
import { SAMPLE_DATABASE, SampleDatabaseModule } from './sample-database.module.js';

/**
 * The service's TypeORM data source on the sample database. `synchronize` creates the tables
 * (`classes`, `students`, `enrolments`) at start-up: enough for a sample, no migrations.
 * The database is closed and, when embedded, stopped when the application shuts down.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: SampleDatabaseOptions = {}): DynamicModule {
    const sampleDatabase = SampleDatabaseModule.forRoot(options);
    return {
      module: DatabaseModule,
      imports: [
        sampleDatabase,
        TypeOrmModule.forRootAsync({
          imports: [sampleDatabase],
          inject: [SAMPLE_DATABASE],
          useFactory: (database: SampleDatabase) => ({
            type: 'postgres' as const,
            url: database.url,
            entities: [...CLASS_MANAGEMENT_ENTITIES],
            synchronize: true,
            logging: false,
          }),
        }),
      ],
      providers: [DatabaseShutdown],
    };
  }
}
