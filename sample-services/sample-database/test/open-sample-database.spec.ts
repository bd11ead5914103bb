import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { openSampleDatabase } from '@huleedu/sample-database';
import type { SampleDatabase } from '@huleedu/sample-database';

/** Starting or stopping PGlite and a TypeORM pool on it: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

@Entity({ name: 'essays' })
class Essay {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ unique: true })
  title!: string;

  @Column('int', { default: 0 })
  words!: number;
}

describe('openSampleDatabase', () => {
  const savedUrl = process.env.DATABASE_URL;
  afterEach(() => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  });

  it('returns DATABASE_URL when it is set, and serves nothing itself', async () => {
    process.env.DATABASE_URL = 'postgres://someone@db.example:6543/essays';
    const database = await openSampleDatabase();
    expect(database).toMatchObject({ url: 'postgres://someone@db.example:6543/essays', embedded: false });
    await database.stop();
  });

  it('serves PGlite on 127.0.0.1 and a free port when DATABASE_URL is unset; stop() may be called twice', async () => {
    delete process.env.DATABASE_URL;
    const database = await openSampleDatabase();
    expect(database.embedded).toBe(true);
    expect(database.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(new URL(database.url).port).not.toBe('5432');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ user: string; db: string }>(
      'SELECT current_user AS "user", current_database() AS db',
    );
    expect(rows).toEqual([{ user: 'postgres', db: 'postgres' }]);
    await client.end();
    await database.stop();
    await database.stop();
    const afterStop = new pg.Client({ connectionString: database.url });
    await expect(afterStop.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 60_000);

  it('keeps its data in dataDir across a stop and a new start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sample-database-'));
    try {
      const first = await openSampleDatabase({ dataDir, forceEmbedded: true });
      const writer = new pg.Client({ connectionString: first.url });
      await writer.connect();
      await writer.query("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
      await writer.end();
      await first.stop();

      const second = await openSampleDatabase({ dataDir, forceEmbedded: true });
      const reader = new pg.Client({ connectionString: second.url });
      await reader.connect();
      expect((await reader.query('SELECT note FROM kept')).rows).toEqual([{ note: 'still here' }]);
      await reader.end();
      await second.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the embedded database with TypeORM and a pg pool', () => {
  let database: SampleDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await openSampleDatabase({ forceEmbedded: true });
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      entities: [Essay],
      synchronize: true,
      logging: false,
    });
    await dataSource.initialize();
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    try {
      if (dataSource?.isInitialized) await dataSource.destroy();
    } finally {
      await database?.stop();
    }
  }, HOOK_TIMEOUT_MS);

  it('synchronizes an entity, inserts and selects', async () => {
    const essays = dataSource.getRepository(Essay);
    const saved = await essays.save(essays.create({ title: 'On embedded databases', words: 120 }));
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await essays.findOneBy({ id: saved.id })).toEqual({ id: saved.id, title: saved.title, words: 120 });
  });

  it('commits a transaction, and rolls one back when its callback throws', async () => {
    const essays = dataSource.getRepository(Essay);
    await dataSource.transaction((manager) => manager.insert(Essay, { title: 'committed', words: 1 }));
    const failure = new Error('rolled back on purpose');
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.insert(Essay, { title: 'rolled back', words: 2 });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await essays.countBy({ title: 'committed' })).toBe(1);
    expect(await essays.countBy({ title: 'rolled back' })).toBe(0);
  });

  it('answers many concurrent queries over the pool, each with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        index % 2 === 0
          ? dataSource.query<{ n: number }[]>('SELECT $1::int AS n', [index])
          : dataSource.query<{ n: number }[]>('SELECT $1::int + 0 AS n, $2::text AS label', [index, `row ${index}`]),
      ),
    );
    expect(results.map(([row]) => row.n)).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('keeps concurrent transactions apart: each sees its own rows, a rollback drops only its own', async () => {
    const titles = Array.from({ length: 8 }, (_, index) => `concurrent ${index}`);
    const seen = await Promise.allSettled(
      titles.map((title, index) =>
        dataSource.transaction(async (manager) => {
          await manager.insert(Essay, { title, words: index });
          const own = await manager.countBy(Essay, { title });
          if (index % 2 === 1) throw new Error(`rollback ${index}`);
          return own;
        }),
      ),
    );
    expect(seen.map((result) => (result.status === 'fulfilled' ? result.value : 'rolled back'))).toEqual(
      titles.map((_, index) => (index % 2 === 1 ? 'rolled back' : 1)),
    );
    const kept = await dataSource.getRepository(Essay).findBy(titles.map((title) => ({ title })));
    expect(kept.map((essay) => essay.title).sort()).toEqual(titles.filter((_, index) => index % 2 === 0));
  });
});
