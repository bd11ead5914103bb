import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { openSampleDatabase } from './open-sample-database.js';
import type { SampleDatabase, SampleDatabaseOptions } from './open-sample-database.js';

/** Injection token of the opened `SampleDatabase` (its `url`, whether it is embedded, `stop()`). */
export const SAMPLE_DATABASE = Symbol('SAMPLE_DATABASE');

/** TypeORM's options for PostgreSQL. */
type PostgresOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/** Options of `SampleDatabaseModule.forRoot()`: the entities, and any other TypeORM options. */
export type SampleDatabaseModuleOptions = Omit<PostgresOptions, 'type' | 'url' | 'entities'> & {
  /** The service's entities. */
  readonly entities: NonNullable<PostgresOptions['entities']>;
  /** How to open the database (`openSampleDatabase()`): embedded even with `DATABASE_URL`, data directory. */
  readonly open?: SampleDatabaseOptions;
};

/**
 * Opens the service's PostgreSQL database once, at start-up: `DATABASE_URL` when it is set, else an
 * embedded PGlite served on a free loopback port (`openSampleDatabase()`).
 */
@Module({})
class OpenedSampleDatabaseModule {
  static forRoot(options: SampleDatabaseOptions): DynamicModule {
    return {
      module: OpenedSampleDatabaseModule,
      providers: [{ provide: SAMPLE_DATABASE, useFactory: () => openSampleDatabase(options) }],
      exports: [SAMPLE_DATABASE],
    };
  }
}

/**
 * Closes the connections, then stops the embedded database (nothing to stop for `DATABASE_URL`).
 * Both in one hook, in that order: Nest shuts global modules (TypeORM's core module is one) down
 * last, so TypeORM's own hook would close its pool only after the server under it had gone.
 */
@Injectable()
class SampleDatabaseShutdown implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SAMPLE_DATABASE) private readonly database: SampleDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    } finally {
      await this.database.stop();
    }
  }
}

/**
 * A sample service's TypeORM data source on the sample database (`openSampleDatabase()`, opened once
 * and injectable as `SAMPLE_DATABASE`). The embedded server (PGlite) serves one session at a time, so
 * its pool holds one connection. The data source is closed and, when embedded, the database stopped
 * when the application shuts down.
 */
@Module({})
export class SampleDatabaseModule {
  static forRoot({ open = {}, ...typeOrmOptions }: SampleDatabaseModuleOptions): DynamicModule {
    const sampleDatabase = OpenedSampleDatabaseModule.forRoot(open);
    return {
      module: SampleDatabaseModule,
      imports: [
        sampleDatabase,
        TypeOrmModule.forRootAsync({
          imports: [sampleDatabase],
          inject: [SAMPLE_DATABASE],
          useFactory: (opened: SampleDatabase) => ({
            type: 'postgres' as const,
            url: opened.url,
            poolSize: opened.embedded ? 1 : undefined,
            logging: false,
            ...typeOrmOptions,
          }),
        }),
      ],
      providers: [SampleDatabaseShutdown],
      exports: [sampleDatabase],
    };
  }
}
