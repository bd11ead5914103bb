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
import type { SampleDatabase } from '@huleedu/sample-database';
import {
  DATABASE_HOOK_TIMEOUT_MS,
  closeSpecDatabase,
  connectionOf,
  databaseBackends as backends,
} from './support/database-backends.js';

/** A table of its own per run, so parallel runs against one server never meet. */
const TABLE = `spec_essays_${randomUUID().slice(0, 8)}`;

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
  }, DATABASE_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    try {
      if (dataSource?.isInitialized) await dataSource.query(`DROP TABLE IF EXISTS "${TABLE}"`);
      await moduleRef?.close();
    } finally {
      await database?.stop();
    }
  }, DATABASE_HOOK_TIMEOUT_MS);

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

  it('runs the transaction callback with the transaction span active, savepoints too', async () => {
    const result = await traceOperation('content.store', () =>
      dataSource.transaction(async (manager) => {
        await traceOperation('content.validate', () => manager.count(Essay));
        await manager.save(manager.create(Essay, { title: `C ${randomUUID()}`, body: 'checked' }));
        return manager.transaction(async (inner) => traceOperation('content.audit', () => inner.count(Essay)));
      }),
    );
    expect(typeof result).toBe('number');
    const transaction = spans.one(`TRANSACTION ${connection.namespace}`);
    const validate = spans.one('content.validate');
    expect(validate).toBeChildOf(transaction);
    expect(spans.childrenOf(validate).map((span) => span.name)).toEqual([`SELECT ${TABLE}`]);
    const savepoint = spans.one({ name: 'SAVEPOINT', kind: SpanKind.INTERNAL });
    expect(savepoint).toBeChildOf(transaction);
    const audit = spans.one('content.audit');
    expect(audit).toBeChildOf(savepoint);
    expect(spans.childrenOf(audit).map((span) => span.name)).toEqual([`SELECT ${TABLE}`]);
    expect(spans.childrenOf(transaction).map((span) => span.name)).toEqual([
      'START TRANSACTION',
      'content.validate',
      `INSERT ${TABLE}`,
      'SAVEPOINT',
      'COMMIT',
    ]);
    // the savepoint's own statements (SAVEPOINT typeorm_1, RELEASE SAVEPOINT) are its children
    expect(spans.childrenOf(savepoint).map((span) => span.name)).toEqual([
      'SAVEPOINT',
      'content.audit',
      'RELEASE SAVEPOINT',
    ]);
    // after the transaction, the caller's context is back: a span started there is not the transaction's
    await traceOperation('content.after', () => dataSource.getRepository(Essay).count());
    expect(spans.one('content.after').parentSpanContext).toBeUndefined();
    spans.assertLifecycle();
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
      operationSpans: true,
    });
    await dataSource.initialize();
  }, DATABASE_HOOK_TIMEOUT_MS);

  afterAll(() => closeSpecDatabase({ dataSource, table: TABLE, moduleRef, database }), DATABASE_HOOK_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  it('records parameter values only for allowed tables, and only under a parent span', async () => {
    await dataSource.getRepository(Essay).findOneBy({ title: 'not there' });
    expect(spans.all()).toEqual([]);
    await traceOperation('content.retrieve', () => dataSource.getRepository(Essay).findOneBy({ title: 'not there' }));
    expect(spans.one(`SELECT ${TABLE}`)).toHaveAttributes({ 'db.query.parameter.0': 'not there' });
  });

  it('makes an operation span per repository and entity-manager call, the parent of its statements', async () => {
    const essays = dataSource.getRepository(Essay);
    const saved = await traceOperation('content.store', () =>
      essays.save(essays.create({ title: `O ${randomUUID()}`, body: 'operation body' })),
    );
    const found = await traceOperation('content.retrieve', () => dataSource.manager.findOneBy(Essay, { id: saved.id }));
    expect(found?.body).toBe('operation body');

    const save = spans.one('typeorm.save Essay');
    expect(save.kind).toBe(SpanKind.INTERNAL);
    expect(save).toBeChildOf(spans.one('content.store'));
    expect(save).toHaveAttributes({
      'typeorm.operation': 'save',
      'typeorm.entity': 'Essay',
      'db.collection.name': TABLE,
      'db.system.name': 'postgresql',
    });
    // save runs its own transaction: the operation span is its parent, the INSERT the transaction's child
    const transaction = spans.one({ name: /^TRANSACTION/, parent: save });
    expect(spans.one(`INSERT ${TABLE}`)).toBeChildOf(transaction);
    const findOneBy = spans.one('typeorm.findOneBy Essay');
    expect(findOneBy).toBeChildOf(spans.one('content.retrieve'));
    expect(spans.childrenOf(findOneBy).map((span) => span.name)).toEqual([`SELECT ${TABLE}`]);
    expect(JSON.stringify(save.attributes)).not.toContain('operation body');
    spans.assertLifecycle();
  });

  it('gives a failing operation one span with the error class and no values, and the caller the same error', async () => {
    const missing = randomUUID();
    let thrown: unknown;
    await traceOperation('content.retrieve', async () => {
      try {
        await dataSource.getRepository(Essay).findOneByOrFail({ id: missing });
      } catch (error) {
        thrown = error;
      }
    });
    expect((thrown as Error).constructor.name).toBe('EntityNotFoundError');
    const failed = spans.one('typeorm.findOneByOrFail Essay');
    expect(failed).toHaveStatus('error');
    expect(failed).toHaveAttributes({ 'error.type': 'EntityNotFoundError' });
    expect(failed.status.message).toBe('EntityNotFoundError');
    expect(JSON.stringify({ attributes: failed.attributes, events: failed.events })).not.toContain(missing);
    // findOneByOrFail calls findOneBy on the same manager: no second operation span
    expect(spans.byName(/^typeorm\./).map((span) => span.name)).toEqual(['typeorm.findOneByOrFail Essay']);
    expect(spans.childrenOf(failed).map((span) => span.name)).toEqual([`SELECT ${TABLE}`]);
  });

  it("puts a transaction's operation spans under the transaction, and skips spans with no parent", async () => {
    const untraced = await dataSource.transaction((manager) => manager.count(Essay));
    expect(typeof untraced).toBe('number');
    expect(spans.all()).toEqual([]);
    await traceOperation('content.store', () =>
      dataSource.transaction((manager) =>
        manager.save(manager.create(Essay, { title: `T ${randomUUID()}`, body: 'in a transaction' })),
      ),
    );
    const transaction = spans.one(/^TRANSACTION/);
    const save = spans.one('typeorm.save Essay');
    expect(save).toBeChildOf(transaction);
    expect(spans.one(`INSERT ${TABLE}`)).toBeChildOf(save);
  });

  it('traces the manager of a query runner the code drives by hand', async () => {
    const queryRunner = dataSource.createQueryRunner();
    try {
      await traceOperation('content.report', () => queryRunner.manager.countBy(Essay, { body: 'nothing like it' }));
    } finally {
      await queryRunner.release();
    }
    const count = spans.one('typeorm.countBy Essay');
    expect(count).toBeChildOf(spans.one('content.report'));
    expect(spans.childrenOf(count).map((span) => span.name)).toEqual([`SELECT ${TABLE}`]);
  });

  it('rejects invalid options at start-up with what to write instead', () => {
    expect(() => traceDataSource(dataSource, { maxQueryTextLength: 3 })).toThrow(
      'TypeOrmTracingModule: maxQueryTextLength must be an integer of at least 16, got 3',
    );
    expect(() => traceDataSource(dataSource, { operationSpans: 'yes' as unknown as boolean })).toThrow(
      'TypeOrmTracingModule: operationSpans must be true or false, got "yes"',
    );
  });
});
