import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { traceOperation } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { TypeOrmTracingModule, traceDataSource } from '@huleedu/nest-tracing-typeorm';
import { openSampleDatabase } from '@huleedu/sample-database';
import type { SampleDatabase } from '@huleedu/sample-database';

/** A table of its own per run, so parallel runs against one server never meet. */
const TABLE = `spec_essays_${randomUUID().slice(0, 8)}`;

/** A database the same suite runs against; `open` is called in `beforeAll`, `stop` in `afterAll`. */
interface Backend {
  readonly name: string;
  open(): Promise<SampleDatabase>;
}

/**
 * Both always run. The real server: CI and this machine run PostgreSQL on 127.0.0.1:5432 (trust auth),
 * `DATABASE_URL` selects another. The embedded one: PGlite served over the wire by the sample services'
 * `@huleedu/sample-database`, on a free port.
 */
const backends: readonly Backend[] = [
  {
    name: 'PostgreSQL server',
    open: async () => ({
      url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      embedded: false,
      stop: async () => undefined,
    }),
  },
  { name: 'embedded PGlite', open: () => openSampleDatabase({ forceEmbedded: true }) },
];

/** PGlite's WebAssembly start-up takes a few seconds. */
const OPEN_TIMEOUT_MS = 60_000;

@Entity({ name: TABLE })
class Essay {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ unique: true })
  title!: string;

  @Column()
  body!: string;
}

function dataSourceOptions(database: SampleDatabase) {
  return { type: 'postgres' as const, url: database.url, entities: [Essay], logging: false };
}

/** What the spans should say about the connection: read from the URL, as the tracing package does. */
function connectionOf(database: SampleDatabase): { namespace: string; address: string; port: number } {
  const url = new URL(database.url);
  return { namespace: url.pathname.slice(1), address: url.hostname, port: Number(url.port || 5432) };
}

function queries(spans: TestSpans): ReadableSpan[] {
  return spans.all().filter((span) => span.kind === SpanKind.CLIENT);
}

describe.each(backends)('TypeORM query and transaction spans on $name', (backend) => {
  let database: SampleDatabase;
  let connection: ReturnType<typeof connectionOf>;
  let moduleRef: TestingModule;
  let spans: TestSpans;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await backend.open();
    connection = connectionOf(database);
    moduleRef = await Test.createTestingModule({
      imports: [
        TracingTestingModule.forRoot({ serviceName: 'content-service' }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(database), synchronize: true }),
        TypeOrmTracingModule.forRoot({ slowQueryThresholdMs: 0 }),
      ],
    }).compile();
    await moduleRef.init();
    spans = moduleRef.get(TestSpans);
    dataSource = moduleRef.get(getDataSourceToken());
  }, OPEN_TIMEOUT_MS);

  afterAll(async () => {
    try {
      if (dataSource?.isInitialized) await dataSource.query(`DROP TABLE IF EXISTS "${TABLE}"`);
      await moduleRef?.close();
    } finally {
      await database?.stop();
    }
  });

  beforeEach(() => spans.reset());

  it('makes a CLIENT span per statement, named and attributed by the semantic conventions, without values', async () => {
    const essays = dataSource.getRepository(Essay);
    const saved = await traceOperation('content.store', () =>
      essays.save(essays.create({ title: `A title ${randomUUID()}`, body: 'secret essay text' })),
    );
    const found = await traceOperation('content.retrieve', () => essays.findOneBy({ id: saved.id }));
    expect(found?.body).toBe('secret essay text');

    const insert = spans.one(`INSERT ${TABLE}`);
    expect(insert.kind).toBe(SpanKind.CLIENT);
    expect(insert).toHaveAttributes({
      'db.system.name': 'postgresql',
      'db.namespace': connection.namespace,
      'db.operation.name': 'INSERT',
      'db.collection.name': TABLE,
      'server.address': connection.address,
      'server.port': connection.port,
    });
    const select = spans.one(`SELECT ${TABLE}`);
    expect(select).toBeChildOf(spans.one('content.retrieve'));
    expect(select).toHaveAttributes({ 'db.response.returned_rows': 1 });
    expect(String(select.attributes['db.query.text'])).toContain('$1');
    for (const span of queries(spans)) {
      expect(JSON.stringify(span.attributes)).not.toContain('secret essay text');
      expect(Object.keys(span.attributes).some((key) => key.startsWith('db.query.parameter.'))).toBe(false);
      expect(span.events.map((event) => event.name)).toContain('db.query.slow');
    }
    spans.assertLifecycle();
  });

  it('puts a transaction around its statements: START, INSERT and COMMIT as children, outcome commit', async () => {
    await traceOperation('content.store', () =>
      dataSource.transaction((manager) =>
        manager.save(manager.create(Essay, { title: `T ${randomUUID()}`, body: 'in a transaction' })),
      ),
    );
    const transaction = spans.one(`TRANSACTION ${connection.namespace}`);
    expect(transaction).toBeChildOf(spans.one('content.store'));
    expect(transaction).toHaveAttributes({ 'db.transaction.outcome': 'commit' });
    const children = queries(spans).filter(
      (span) => span.parentSpanContext?.spanId === transaction.spanContext().spanId,
    );
    expect(children.map((span) => span.name)).toEqual(['START TRANSACTION', `INSERT ${TABLE}`, 'COMMIT']);
  });

  it('records a rollback as the outcome, not as an error of the transaction; the escaping error fails the caller', async () => {
    const failure = new Error('validation failed after insert');
    await expect(
      traceOperation('content.store', () =>
        dataSource.transaction(async (manager) => {
          await manager.save(manager.create(Essay, { title: `R ${randomUUID()}`, body: 'rolled back' }));
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    const transaction = spans.one(`TRANSACTION ${connection.namespace}`);
    expect(transaction).toHaveAttributes({ 'db.transaction.outcome': 'rollback' });
    expect(transaction).not.toHaveStatus('error');
    expect(spans.one('content.store')).toHaveStatus('error');
    expect(spans.one('ROLLBACK')).toBeChildOf(transaction);
  });

  it('marks a failing statement with its SQLSTATE and no values', async () => {
    const title = `duplicate title ${randomUUID()}`;
    const essays = dataSource.getRepository(Essay);
    await essays.insert({ title, body: 'first' });
    await expect(essays.insert({ title, body: 'second' })).rejects.toThrow();
    const [, failed] = spans.byName(`INSERT ${TABLE}`);
    expect(failed).toHaveStatus('error');
    expect(failed).toHaveAttributes({ 'error.type': '23505', 'db.response.status_code': '23505' });
    expect(failed.status.message).toBe('SQLSTATE 23505');
    expect(
      JSON.stringify({ attributes: failed.attributes, events: failed.events, status: failed.status }),
    ).not.toContain(title);
  });

  it('sanitises literals in raw queries, and traces query builders', async () => {
    await dataSource.query(`SELECT count(*) FROM "${TABLE}" WHERE title = 'a private title' AND length(body) > 42`);
    await dataSource
      .getRepository(Essay)
      .createQueryBuilder('essay')
      .where('essay.body = :body', { body: 'x' })
      .getMany();
    const [raw, built] = spans.byName(`SELECT ${TABLE}`);
    expect(raw.attributes['db.query.text']).toBe(
      `SELECT count(*) FROM "${TABLE}" WHERE title = ? AND length(body) > ?`,
    );
    expect(String(built.attributes['db.query.text'])).toContain('"essay"."body" = $1');
  });

  it('makes no span for ignored housekeeping statements', async () => {
    await dataSource.query('SELECT 1');
    expect(queries(spans)).toEqual([]);
  });
});

describe.each(backends)('traceDataSource options on $name', (backend) => {
  let database: SampleDatabase;
  let moduleRef: TestingModule;
  let spans: TestSpans;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await backend.open();
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'content-service' })],
    }).compile();
    spans = moduleRef.get(TestSpans);
    dataSource = traceDataSource(new DataSource({ ...dataSourceOptions(database), synchronize: true }), {
      recordParameters: [TABLE],
      requireParentSpan: true,
    });
    await dataSource.initialize();
  }, OPEN_TIMEOUT_MS);

  afterAll(async () => {
    try {
      if (dataSource?.isInitialized) {
        await dataSource.query(`DROP TABLE IF EXISTS "${TABLE}"`);
        await dataSource.destroy();
      }
      await moduleRef?.close();
    } finally {
      await database?.stop();
    }
  });

  beforeEach(() => spans.reset());

  it('records parameter values only for allowed tables, and only under a parent span', async () => {
    await dataSource.getRepository(Essay).findOneBy({ title: 'not there' });
    expect(queries(spans)).toEqual([]);
    await traceOperation('content.retrieve', () => dataSource.getRepository(Essay).findOneBy({ title: 'not there' }));
    expect(spans.one(`SELECT ${TABLE}`)).toHaveAttributes({ 'db.query.parameter.0': 'not there' });
  });

  it('rejects invalid options at start-up with what to write instead', () => {
    expect(() => traceDataSource(dataSource, { maxQueryTextLength: 3 })).toThrow(
      'TypeOrmTracingModule: maxQueryTextLength must be an integer of at least 16, got 3',
    );
  });
});
