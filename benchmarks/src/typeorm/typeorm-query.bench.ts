import 'reflect-metadata';
import { startTracing } from '@huleedu/nest-tracing';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import { machineInfo, resultsDirectory } from '../machine-info.js';
import { CORE_PACKAGES, formatVersions, stackVersions } from '../versions.js';
import { argument } from '../micro/child-phase.js';
import { DiscardingSpanExporter } from '../micro/discarding.exporter.js';
import { checksum, combineRuns, createAndSeed, essaySchema, openDataSource, runQueries } from './query-run.js';
import type { BenchEssay, QueryVariant, TimedRun } from './query-run.js';
import { formatRounds, formatSummary, summarize } from './typeorm-report.js';
import type { QueryRoundResult } from './typeorm-report.js';

/**
 * Queries per second of `repository.findOneBy({ id })` with and without query spans, in one process
 * on one database: two TypeORM data sources on the same table, one plain and one traced with
 * `traceDataSource()`, in interleaved rounds that alternate which goes first. Every call runs inside
 * a `bench.request` span in both variants, so the only difference is the query span.
 * Usage: node typeorm-query.bench.js [--queries=N] [--rounds=N] [--warmup=N] [--concurrency=N]
 *   [--rows=N] [--slices=N] [--only=traced|untraced] (one variant only, for a CPU profile; writes no results)
 */
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const queries = Number(argument('queries') ?? 5_000);
const rounds = Number(argument('rounds') ?? 10);
const warmupRounds = Number(argument('warmup') ?? 1);
const concurrency = Number(argument('concurrency') ?? 4);
const rows = Number(argument('rows') ?? 1_000);
const only = argument('only') as QueryVariant | undefined;
const slices = Number(argument('slices') ?? 10);
const VARIANTS: readonly QueryVariant[] = only ? [only] : ['untraced', 'traced'];

const RESULTS = new URL('typeorm-latest.json', resultsDirectory());

const out = (text: string): boolean => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const info = machineInfo();
  const versions = stackVersions([...CORE_PACKAGES, 'typeorm', 'pg']);
  out(`nest-tracing TypeORM query benchmark: ${JSON.stringify(info)}`);
  out(`versions: ${formatVersions(versions)}`);
  out(
    `${queries} findOneBy per variant and round in ${slices} slices taking turns, ${concurrency} in flight (pool ${concurrency}), ` +
      `${warmupRounds} warm-up + ${rounds} measured rounds, variants: ${VARIANTS.join(', ')}\n`,
  );
  const exporter = new DiscardingSpanExporter();
  const tracing = await startTracing({ serviceName: 'bench-typeorm', exporter, spanProcessor: 'batch' });
  const tableName = `bench_essays_${randomUUID().slice(0, 8)}`;
  const schema = essaySchema(tableName);
  // both open before the table exists; the untraced one does the set-up and clean-up, so they make no spans
  const dataSources = {
    untraced: await openDataSource(url, schema, concurrency, 'untraced'),
    traced: await openDataSource(url, schema, concurrency, 'traced'),
  } satisfies Record<QueryVariant, DataSource>;
  const results: QueryRoundResult[] = [];
  let expectedSpans = 0;
  try {
    await createAndSeed(dataSources.untraced, tableName, rows);
    const version = (await dataSources.untraced.query<{ server_version: string }[]>('SHOW server_version'))[0];
    info.postgres = version.server_version;
    out(`table ${tableName}: ${rows} rows, PostgreSQL ${version.server_version}`);
    for (let round = 1 - warmupRounds; round <= rounds; round += 1) {
      const order = round % 2 === 0 ? [...VARIANTS].reverse() : VARIANTS;
      // the round in slices, the variants taking turns within each (A B B A ...), so that the VM's
      // speed drift, which moves over seconds, falls on both variants of a round alike
      const sliceQueries = Math.ceil(queries / slices);
      const runs = new Map<QueryVariant, TimedRun[]>(VARIANTS.map((variant) => [variant, []]));
      for (let slice = 0; slice < slices; slice += 1) {
        const turn = slice % 2 === 0 ? order : [...order].reverse();
        for (const variant of turn) {
          const repository = dataSources[variant].getRepository<BenchEssay>(schema);
          const offset = (round + warmupRounds) * 7919 + slice * sliceQueries;
          runs.get(variant)?.push(await runQueries(repository, sliceQueries, concurrency, rows, offset));
          // a bench.request span per call, and a query span per call when traced
          expectedSpans += variant === 'traced' ? 2 * sliceQueries : sliceQueries;
        }
      }
      for (const [position, variant] of order.entries()) {
        const result = combineRuns(runs.get(variant) ?? []);
        const label = round < 1 ? `warm-up ${round + warmupRounds}` : `round ${round}`;
        out(
          `  ${label} ${variant.padEnd(8)} ${Math.round(result.queriesPerSecond)} queries/s ` +
            `(${result.seconds.toFixed(2)} s, ${result.cpuMicrosecondsPerQuery.toFixed(1)} CPU µs/query)`,
        );
        if (round >= 1) results.push({ ...result, round, variant, first: position === 0 });
      }
    }
  } finally {
    await dataSources.untraced.query(`DROP TABLE IF EXISTS "${tableName}"`);
    await Promise.all(Object.values(dataSources).map((dataSource) => dataSource.destroy()));
  }
  await tracing.forceFlush();
  await tracing.shutdown();
  out(`\nspans exported: ${exporter.exported} of ${expectedSpans} expected (checksum ${checksum})`);
  if (only) return;
  const summary = summarize(results);
  out(`\n${formatRounds(results)}\n\n${formatSummary(summary, queries, rounds)}`);
  await mkdir(new URL('.', RESULTS), { recursive: true });
  const report = {
    benchmark: 'typeorm-query',
    machine: info,
    versions,
    settings: { queries, rounds, warmupRounds, slices, concurrency, poolSize: concurrency, rows, tableName },
    summary,
    rounds: results,
    spansExported: exporter.exported,
    spansExpected: expectedSpans,
    checksum,
  };
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  out(`results written to ${RESULTS.pathname}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
