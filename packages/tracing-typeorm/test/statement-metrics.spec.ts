import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DURATION_BUCKETS_SECONDS, traceOperation } from '@huleedu/nest-tracing';
import { TestMetrics, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { traceDataSource } from '@huleedu/nest-tracing-typeorm';

/** Connecting to PostgreSQL and creating the table, or closing: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A table of its own per run, so parallel runs against one server never meet. */
const TABLE = `spec_metric_essays_${randomUUID().slice(0, 8)}`;
const METRIC = 'db.client.operation.duration';

@Entity({ name: TABLE })
class Essay {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ unique: true })
  title!: string;
}

describe('db.client.operation.duration from statement spans, on PostgreSQL (metrics: true)', () => {
  let moduleRef: TestingModule;
  let testMetrics: TestMetrics;
  let dataSource: DataSource;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'content-service', metrics: true })],
    }).compile();
    testMetrics = moduleRef.get(TestMetrics);
    dataSource = traceDataSource(
      new DataSource({ type: 'postgres', url: DATABASE_URL, entities: [Essay], synchronize: true, logging: false }),
      { poolMetrics: false },
    );
    await dataSource.initialize();
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await dataSource?.query(`DROP TABLE IF EXISTS "${TABLE}"`);
    await dataSource?.destroy();
    await moduleRef?.close();
  }, HOOK_TIMEOUT_MS);

  it('records each statement by operation and table, failures with their SQLSTATE, never a value', async () => {
    await testMetrics.reset();
    const essays = dataSource.getRepository(Essay);
    await traceOperation('content.store', async () => {
      await essays.insert({ title: 'secret-title-1' });
      await essays.findOneBy({ title: 'secret-title-1' });
      await expect(essays.insert({ title: 'secret-title-1' })).rejects.toThrow();
    });

    const points = await testMetrics.histogram(METRIC);
    const connection = {
      'db.system.name': 'postgresql',
      'db.namespace': new URL(DATABASE_URL).pathname.slice(1),
      'server.address': new URL(DATABASE_URL).hostname,
    };
    expect(points).toHaveDataPoint({ ...connection, 'db.operation.name': 'INSERT', 'db.collection.name': TABLE }, 1);
    expect(points).toHaveDataPoint({ ...connection, 'db.operation.name': 'SELECT', 'db.collection.name': TABLE }, 1);
    expect(points).toHaveDataPoint({ 'db.operation.name': 'INSERT', 'error.type': '23505' }, 1);
    expect(points).toHaveOnlyAttributeKeys([
      'db.system.name',
      'db.namespace',
      'server.address',
      'server.port',
      'db.operation.name',
      'db.collection.name',
      'error.type',
    ]);
    expect(points[0]).toMatchObject({
      unit: 's',
      scope: '@huleedu/nest-tracing-typeorm',
      boundaries: DURATION_BUCKETS_SECONDS,
    });
    const values = points.flatMap((point) => Object.values(point.attributes));
    expect(values).not.toContain('secret-title-1');
  });
});
