import { traceOperation } from '@huleedu/nest-tracing';
import { traceDataSource } from '@huleedu/nest-tracing-typeorm';
import { DataSource, EntitySchema } from 'typeorm';
import type { Repository } from 'typeorm';

/** One row of the benchmark's table: what a service reads back by primary key. */
export interface BenchEssay {
  id: number;
  title: string;
  status: string;
  wordCount: number;
}

export type QueryVariant = 'untraced' | 'traced';

/** The entity on a table of its own for this run, so runs never share or leave data behind. */
export function essaySchema(tableName: string): EntitySchema<BenchEssay> {
  return new EntitySchema<BenchEssay>({
    name: 'BenchEssay',
    tableName,
    columns: {
      id: { type: 'int', primary: true },
      title: { type: 'text' },
      status: { type: 'text' },
      wordCount: { type: 'int', name: 'word_count' },
    },
  });
}

/** A data source on `url` with a pool of `poolSize` connections; traced ones go through `traceDataSource`. */
export async function openDataSource(
  url: string,
  schema: EntitySchema<BenchEssay>,
  poolSize: number,
  variant: QueryVariant,
): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [schema],
    poolSize,
    synchronize: false,
    logging: false,
  });
  return (variant === 'traced' ? traceDataSource(dataSource) : dataSource).initialize();
}

/** Creates the table and seeds `rows` rows in one statement (on the untraced source: no spans). */
export async function createAndSeed(dataSource: DataSource, tableName: string, rows: number): Promise<void> {
  await dataSource.query(
    `CREATE TABLE "${tableName}" (id int PRIMARY KEY, title text NOT NULL, status text NOT NULL, word_count int NOT NULL)`,
  );
  await dataSource.query(
    `INSERT INTO "${tableName}" (id, title, status, word_count)
     SELECT n, 'Essay ' || n || ': the students read the book', 'submitted', 200 + n % 300
     FROM generate_series(1, $1::int) AS n`,
    [rows],
  );
  await dataSource.query(`ANALYZE "${tableName}"`);
}

export interface TimedRun {
  readonly queries: number;
  readonly seconds: number;
  readonly queriesPerSecond: number;
  /** CPU time of this process (user + system) per query, in microseconds: the database's is not in it. */
  readonly cpuMicrosecondsPerQuery: number;
}

/** Sum of the word counts read, written to the results so no read can be skipped. */
export let checksum = 0;

/**
 * `queries` calls of `repository.findOneBy({ id })`, `concurrency` in flight, each inside its own
 * `bench.request` span (traceOperation) whatever the variant, as a request handler would make it.
 * The ids walk the seeded rows from a different offset each run.
 */
export async function runQueries(
  repository: Repository<BenchEssay>,
  queries: number,
  concurrency: number,
  rows: number,
  offset: number,
): Promise<TimedRun> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < queries) {
      const id = ((offset + issued) % rows) + 1;
      issued += 1;
      const essay = await traceOperation('bench.request', () => repository.findOneBy({ id }));
      if (essay?.id !== id) throw new Error(`row ${id} not found`);
      checksum = (checksum + essay.wordCount) % 1_000_000_007;
    }
  };
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return {
    queries,
    seconds,
    queriesPerSecond: queries / seconds,
    cpuMicrosecondsPerQuery: (cpu.user + cpu.system) / queries,
  };
}

/** Several timed runs of one variant as one: their queries, seconds and CPU added up. */
export function combineRuns(runs: readonly TimedRun[]): TimedRun {
  const queries = runs.reduce((sum, run) => sum + run.queries, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const cpu = runs.reduce((sum, run) => sum + run.cpuMicrosecondsPerQuery * run.queries, 0);
  return { queries, seconds, queriesPerSecond: queries / seconds, cpuMicrosecondsPerQuery: cpu / queries };
}
