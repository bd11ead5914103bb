import { afterEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TypeOrmTracingModule } from '@huleedu/nest-tracing-typeorm';
import { SAMPLE_DATABASE } from '@huleedu/sample-database';
import type { SampleDatabase } from '@huleedu/sample-database';
import { ClassesModule } from '../src/classes/classes.module.js';
import { ClassesService } from '../src/classes/classes.service.js';
import { DatabaseModule } from '../src/database/database.module.js';

/** Closing the module stops PGlite (when a test failed before it did): ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

/**
 * Whether a PostgreSQL server answers at `url`. A stopped one refuses at once; a running PGlite shares
 * this process's event loop, so on a loaded machine it may take seconds to accept.
 */
async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('DatabaseModule on the embedded database', () => {
  let moduleRef: TestingModule | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  }, HOOK_TIMEOUT_MS);

  it('serves the service from PGlite on loopback, and stops it when the application shuts down', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        TracingTestingModule.forRoot({ serviceName: 'class-management-service' }),
        DatabaseModule.forRoot({ forceEmbedded: true }),
        TypeOrmTracingModule.forRoot(),
        ClassesModule,
      ],
    }).compile();
    await moduleRef.init();
    const spans = moduleRef.get(TestSpans);
    const database = moduleRef.get<SampleDatabase>(SAMPLE_DATABASE);
    const dataSource = moduleRef.get(DataSource);
    expect(database.embedded).toBe(true);

    const created = await moduleRef.get(ClassesService).create({
      name: 'Embedded 1',
      type: 'seminar',
      instructorId: 'instructor-embedded',
    });

    expect(spans.one('INSERT classes')).toBeChildOf(spans.one('class.create'));
    expect(spans.one('INSERT classes')).toHaveAttributes({
      'db.system.name': 'postgresql',
      'db.namespace': 'postgres',
      'db.collection.name': 'classes',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(database.url).port),
    });
    await expect(moduleRef.get(ClassesService).retrieve(created.id)).resolves.toMatchObject({ students: [] });
    spans.assertLifecycle();
    expect(await accepts(database.url)).toBe(true);

    await moduleRef.close();
    moduleRef = undefined;

    expect(dataSource.isInitialized).toBe(false);
    expect(await accepts(database.url)).toBe(false);
  }, 60_000);
});
