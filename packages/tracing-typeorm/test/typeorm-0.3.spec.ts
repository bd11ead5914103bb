import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { DataSource as DataSource03, EntitySchema } from 'typeorm-0.3';
import { traceOperation } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { traceDataSource } from '@huleedu/nest-tracing-typeorm';
import type { SampleDatabase } from '@huleedu/sample-database';
import {
  DATABASE_HOOK_TIMEOUT_MS,
  closeSpecDatabase,
  connectionOf,
  databaseBackends,
} from './support/database-backends.js';

/**
 * The package's peer range is `^0.3.18 || ^1.0.0`; the other specs run on TypeORM 1.x, this one on
 * the newest 0.3 (installed beside it as `typeorm-0.3`), through the same subscriber events and the
 * same entity-manager wrapping, on both backends.
 */
const VERSION_03 = (
  JSON.parse(
    readFileSync(join(dirname(createRequire(import.meta.url).resolve('typeorm-0.3')), 'package.json'), 'utf8'),
  ) as { version: string }
).version;
const TABLE = `spec_essays03_${randomUUID().slice(0, 8)}`;

interface Essay {
  id: string;
  title: string;
  body: string;
}

const EssaySchema = new EntitySchema<Essay>({
  name: 'Essay',
  tableName: TABLE,
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    title: { type: String, unique: true },
    body: { type: String },
  },
});

describe.each(databaseBackends)(`TypeORM ${VERSION_03} on $name`, (backend) => {
  let database: SampleDatabase;
  let moduleRef: TestingModule;
  let spans: TestSpans;
  let dataSource: DataSource03;

  beforeAll(async () => {
    database = await backend.open();
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'content-service' })],
    }).compile();
    spans = moduleRef.get(TestSpans);
    dataSource = new DataSource03({
      type: 'postgres',
      url: database.url,
      entities: [EssaySchema],
      synchronize: true,
      logging: false,
    });
    // traced before initialize(): the subscriber goes in through the data source's `subscribers` option
    traceDataSource(dataSource as unknown as DataSource, { operationSpans: true });
    await dataSource.initialize();
  }, DATABASE_HOOK_TIMEOUT_MS);

  afterAll(() => closeSpecDatabase({ dataSource, table: TABLE, moduleRef, database }), DATABASE_HOOK_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  it('is really 0.3, beside the 1.x the other specs use', () => {
    expect(VERSION_03).toMatch(/^0\.3\./);
    expect(dataSource).not.toBeInstanceOf(DataSource);
  });

  it('makes the statement, operation and transaction spans it makes on 1.x', async () => {
    const connection = connectionOf(database);
    const essays = dataSource.getRepository(EssaySchema);
    const saved = await traceOperation('content.store', () =>
      dataSource.transaction(async (manager) => {
        const essay = await traceOperation('content.prepare', () =>
          manager.save(EssaySchema, { title: `Old ${randomUUID()}`, body: 'private text' }),
        );
        return essay;
      }),
    );
    const found = await traceOperation('content.retrieve', () => essays.findOneBy({ id: saved.id }));
    expect(found?.body).toBe('private text');

    const transaction = spans.one(`TRANSACTION ${connection.namespace}`);
    expect(transaction).toBeChildOf(spans.one('content.store'));
    expect(transaction).toHaveAttributes({ 'db.transaction.outcome': 'commit' });
    const prepare = spans.one('content.prepare');
    expect(prepare).toBeChildOf(transaction);
    const save = spans.one('typeorm.save Essay');
    expect(save).toBeChildOf(prepare);
    const insert = spans.one(`INSERT ${TABLE}`);
    expect(insert).toBeChildOf(save);
    expect(insert.kind).toBe(SpanKind.CLIENT);
    expect(insert).toHaveAttributes({
      'db.system.name': 'postgresql',
      'db.namespace': connection.namespace,
      'db.operation.name': 'INSERT',
      'db.collection.name': TABLE,
      'server.address': connection.address,
      'server.port': connection.port,
    });
    expect(spans.childrenOf(transaction).map((span) => span.name)).toEqual([
      'START TRANSACTION',
      'content.prepare',
      'COMMIT',
    ]);
    const select = spans.one(`SELECT ${TABLE}`);
    expect(select).toBeChildOf(spans.one('typeorm.findOneBy Essay'));
    expect(select).toHaveAttributes({ 'db.response.returned_rows': 1 });
    for (const span of spans.all()) expect(JSON.stringify(span.attributes)).not.toContain('private text');
    spans.assertLifecycle();
  });

  it('marks a failing statement with its SQLSTATE, and a rollback as the outcome', async () => {
    const title = `duplicate ${randomUUID()}`;
    await dataSource.getRepository(EssaySchema).insert({ title, body: 'first' });
    spans.reset();
    await expect(
      traceOperation('content.store', () =>
        dataSource.transaction((manager) => manager.insert(EssaySchema, { title, body: 'second' })),
      ),
    ).rejects.toThrow();
    const failed = spans.one({ name: `INSERT ${TABLE}`, status: 'error' });
    expect(failed).toHaveAttributes({ 'error.type': '23505', 'db.response.status_code': '23505' });
    expect(failed.status.message).toBe('SQLSTATE 23505');
    expect(spans.one(/^TRANSACTION/)).toHaveAttributes({ 'db.transaction.outcome': 'rollback' });
    expect(spans.one('typeorm.insert Essay')).toHaveStatus('error');
    expect(JSON.stringify(spans.all().map((span) => [span.attributes, span.events, span.status]))).not.toContain(title);
  });
});
