import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { openSampleDatabase } from '@huleedu/sample-database';
import type { SampleDatabaseOptions } from '@huleedu/sample-database';

/** Injection token of the opened `SampleDatabase` (its `url`, whether it is embedded, `stop()`). */
export const SAMPLE_DATABASE = Symbol('essay-lifecycle:sample-database');

/**
 * Opens the service's PostgreSQL database once, at start-up: `DATABASE_URL` when it is set, else an
 * embedded PGlite served on a free loopback port (see `@huleedu/sample-database`).
 */
@Module({})
export class SampleDatabaseModule {
  static forRoot(options: SampleDatabaseOptions = {}): DynamicModule {
    return {
      module: SampleDatabaseModule,
      providers: [{ provide: SAMPLE_DATABASE, useFactory: () => openSampleDatabase(options) }],
      exports: [SAMPLE_DATABASE],
    };
  }
}
