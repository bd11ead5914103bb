import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SampleDatabase } from '@huleedu/sample-database';
import { SAMPLE_DATABASE } from './sample-database.module.js';

/**
 * Closes the connections, then stops the embedded database (nothing to stop for `DATABASE_URL`).
 * Both in one hook, in that order: Nest shuts global modules (TypeORM's core module is one) down
 * last, so TypeORM's own hook would close its pool only after the server under it had gone.
 */
@Injectable()
export class DatabaseShutdown implements OnApplicationShutdown {
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
