import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { DataSource } from 'typeorm';
import { traceOperation } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { traceDataSource } from '@huleedu/nest-tracing-typeorm';

/** Connecting the data source to PostgreSQL (pool of two), or closing it: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A reader the spec collects from on demand (an in-memory metric reader). */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function collect(reader: MetricReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  const byName = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics)
    for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
  return byName;
}

describe('connection pool metrics and wait time', () => {
  let moduleRef: TestingModule;
  let spans: TestSpans;
  let dataSource: DataSource;
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'content-service' })],
    }).compile();
    spans = moduleRef.get(TestSpans);
    dataSource = traceDataSource(new DataSource({ type: 'postgres', url: DATABASE_URL, poolSize: 2 }), {
      meterProvider,
    });
    await dataSource.initialize();
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await dataSource?.destroy();
    await meterProvider.shutdown();
    await moduleRef?.close();
  }, HOOK_TIMEOUT_MS);

  it('reports pool size, state and waiting requests, and the wait on the statements that waited', async () => {
    await traceOperation('content.batch', () =>
      Promise.all(Array.from({ length: 5 }, () => dataSource.query('SELECT pg_sleep(0.05)'))),
    );
    const metrics = await collect(reader);

    const count = metrics.get('db.client.connection.count')!.dataPoints as DataPoint<number>[];
    const byState = Object.fromEntries(
      count.map((point) => [point.attributes['db.client.connection.state'], point.value]),
    );
    expect(byState).toEqual({ idle: 2, used: 0 });
    expect(count[0].attributes['db.client.connection.pool.name']).toBe('127.0.0.1:5432/test');
    expect((metrics.get('db.client.connection.max')!.dataPoints[0] as DataPoint<number>).value).toBe(2);
    expect((metrics.get('db.client.connection.pending_requests')!.dataPoints[0] as DataPoint<number>).value).toBe(0);
    const waits = metrics.get('db.client.connection.wait_time')!.dataPoints[0] as DataPoint<Histogram>;
    expect(waits.value.count).toBeGreaterThanOrEqual(5);
    // two connections for five statements of 50 ms: three waited about one statement or more
    expect(waits.value.max).toBeGreaterThan(0.03);

    const statements = spans.byName('SELECT');
    expect(statements).toHaveLength(5);
    const waited = statements.map((span) => Number(span.attributes['db.client.connection.wait_time_ms']));
    expect(waited.filter((ms) => ms > 30).length).toBeGreaterThanOrEqual(3);
  });
});
