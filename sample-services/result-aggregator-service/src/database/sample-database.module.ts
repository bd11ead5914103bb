import { Inject, Module } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { openSampleDatabase } from '@huleedu/sample-database';
import type { SampleDatabase } from '@huleedu/sample-database';

/** Injection token of the `SampleDatabase` the service stores its results in. */
export const SAMPLE_DATABASE = Symbol('SAMPLE_DATABASE');

/**
 * Opens the sample database (`DATABASE_URL`, else an embedded PostgreSQL) and stops it at shutdown.
 * Imported by TypeORM's module only, so it is deeper in the module graph and Nest shuts it down after
 * the data source is closed.
 */
@Module({
  providers: [{ provide: SAMPLE_DATABASE, useFactory: () => openSampleDatabase() }],
  exports: [SAMPLE_DATABASE],
})
export class SampleDatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(SAMPLE_DATABASE) private readonly database: SampleDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.stop();
  }
}
