import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { DataSource } from 'typeorm';

/** Whether `@opentelemetry/instrumentation-pg` wrapped the pg client of this data source's driver. */
export function isPgInstrumented(dataSource: DataSource): boolean {
  const pg = (dataSource.driver as { postgres?: { Client?: { prototype?: { query?: { __wrapped?: unknown } } } } })
    .postgres;
  return pg?.Client?.prototype?.query?.__wrapped === true;
}

const suppressedConnections = new WeakSet<object>();

/**
 * Make instrumentation-pg's statement spans non-recording on one pg client TypeORM uses: its
 * `query` runs with tracing suppressed, so this package's span is the only one. An own property on
 * that client instance only; the pg module and other clients are untouched.
 */
export function suppressDriverSpans(connection: unknown): void {
  if (typeof connection !== 'object' || connection === null || suppressedConnections.has(connection)) return;
  const client = connection as { query?: (...args: unknown[]) => unknown };
  const query = client.query;
  if (typeof query !== 'function') return;
  suppressedConnections.add(connection);
  client.query = function (this: unknown, ...args: unknown[]): unknown {
    return context.with(suppressTracing(context.active()), () => query.apply(this, args));
  };
}

/**
 * Make instrumentation-pg's `pg-pool.connect` (and `pg.connect`) spans non-recording for this data
 * source's pool, as its statement spans are: the checkout is not a statement, and its wait is already
 * on the first statement's span (`db.client.connection.wait_time_ms`) and in the pool metrics. An own
 * property on that pool instance only.
 */
export function suppressPoolSpans(dataSource: DataSource): void {
  const pool = (dataSource.driver as { master?: { connect?: (...args: unknown[]) => unknown } }).master;
  const connect = pool?.connect;
  if (!pool || typeof connect !== 'function' || suppressedConnections.has(pool)) return;
  suppressedConnections.add(pool);
  pool.connect = function (this: unknown, ...args: unknown[]): unknown {
    return context.with(suppressTracing(context.active()), () => connect.apply(this, args));
  };
}
