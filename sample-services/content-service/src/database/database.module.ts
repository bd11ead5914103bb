import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { SampleDatabase, SampleDatabaseOptions } from '@huleedu/sample-database';
import { ContentEntity } from '../content/content.entity.js';
import { DatabaseShutdown } from './database-shutdown.js';
import { SAMPLE_DATABASE, SampleDatabaseModule } from './sample-database.module.js';

/**
 * The service's TypeORM data source on the sample database. `synchronize` creates the `contents`
 * table at start-up: enough for a sample, no migrations. The embedded server (PGlite) serves one
 * session at a time, so its pool holds one connection. The database is closed and, when embedded,
 * stopped when the application shuts down.
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
            entities: [ContentEntity],
            synchronize: true,
            poolSize: database.embedded ? 1 : undefined,
            logging: false,
          }),
        }),
      ],
      providers: [DatabaseShutdown],
    };
  }
}
