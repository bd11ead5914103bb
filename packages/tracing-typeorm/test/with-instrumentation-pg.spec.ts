import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { createRequire } from 'node:module';
import { DataSource } from 'typeorm';
import { traceOperation } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { traceDataSource } from '@huleedu/nest-tracing-typeorm';

/** Connecting the two data sources to PostgreSQL, or closing them: ample even on a loaded 2-core CI machine. */
const HOOK_TIMEOUT_MS = 60_000;

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('with @opentelemetry/instrumentation-pg active', () => {
  let moduleRef: TestingModule;
  let spans: TestSpans;
  const dataSources: DataSource[] = [];

  /**
   * pg as Node's own `require` loads it, patched by the instrumentation's module definition as its
   * require hook would patch it in an application (jest's module registry bypasses that hook),
   * handed to TypeORM through its `driver` option.
   */
  function patchedPg(): unknown {
    const instrumentation = new PgInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(trace.getTracerProvider());
    const pg: unknown = createRequire(import.meta.url)('pg');
    for (const definition of instrumentation.getModuleDefinitions()) {
      if (definition.name === 'pg') definition.patch?.(pg, '8.23.1');
    }
    return pg;
  }

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'content-service' })],
    }).compile();
    spans = moduleRef.get(TestSpans);
    const driver = patchedPg();
    for (const instrumentationPg of ['nest-tracing', 'instrumentation-pg'] as const) {
      const dataSource = traceDataSource(new DataSource({ type: 'postgres', url: DATABASE_URL, driver }), {
        instrumentationPg,
      });
      await dataSource.initialize();
      dataSources.push(dataSource);
    }
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    for (const dataSource of dataSources) await dataSource.destroy();
    await moduleRef?.close();
  }, HOOK_TIMEOUT_MS);

  beforeEach(() => spans.reset());

  it.each([
    ['nest-tracing', 0, '@huleedu/nest-tracing-typeorm', 'SELECT'],
    ['instrumentation-pg', 1, '@opentelemetry/instrumentation-pg', 'pg.query:SELECT test'],
  ])('makes exactly one span per statement; %s wins when configured to', async (_winner, index, scope, name) => {
    await traceOperation('content.retrieve', () => dataSources[index].query('SELECT now()'));
    const statements = spans.all().filter((span) => span.kind === SpanKind.CLIENT);
    expect(statements.map((span) => span.instrumentationScope.name)).toEqual([scope]);
    expect(statements[0].name).toBe(name);
    expect(statements[0]).toBeChildOf(spans.one('content.retrieve'));
  });
});
