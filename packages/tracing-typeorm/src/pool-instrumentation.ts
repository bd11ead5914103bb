import { metrics } from '@opentelemetry/api';
import type { Attributes, Histogram, MeterProvider } from '@opentelemetry/api';
import { PACKAGE_VERSION } from '@huleedu/nest-tracing';
import type { DataSource } from 'typeorm';

/** The parts of a `pg` pool this reads (the pool TypeORM's postgres driver keeps as `driver.master`). */
interface PgPoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
  connect(callback?: (error: Error | undefined, client: object, release: () => void) => void): unknown;
}

function isPgPool(value: unknown): value is PgPoolLike {
  const pool = value as Partial<PgPoolLike> | null | undefined;
  return (
    typeof pool?.connect === 'function' &&
    typeof pool.totalCount === 'number' &&
    typeof pool.idleCount === 'number' &&
    typeof pool.waitingCount === 'number'
  );
}

const METER_NAME = '@huleedu/nest-tracing-typeorm';
const POOL_NAME = 'db.client.connection.pool.name';
const STATE = 'db.client.connection.state';

/**
 * How long a checked-out connection waited for the pool, until its first statement reads it: a
 * symbol-keyed property on the pg client (a checkout per repository call makes a WeakMap costly).
 */
const CONNECTION_WAIT = Symbol('@huleedu/nest-tracing-typeorm connection wait');

interface WaitHolder {
  [CONNECTION_WAIT]?: number | undefined;
}

function recordConnectionWait(client: object, waited: number): void {
  (client as WaitHolder)[CONNECTION_WAIT] = waited;
}

/** Milliseconds the connection waited for the pool when it was checked out; read once. */
export function takeConnectionWait(connection: unknown): number | undefined {
  if (typeof connection !== 'object' || connection === null) return undefined;
  const holder = connection as WaitHolder;
  const wait = holder[CONNECTION_WAIT];
  if (wait !== undefined) holder[CONNECTION_WAIT] = undefined;
  return wait;
}

const instrumented = new WeakSet<object>();

/**
 * Pool metrics of a data source whose driver keeps a `pg` pool (PostgreSQL, PGlite over the wire):
 * `db.client.connection.count` (by `db.client.connection.state`: `idle`, `used`),
 * `db.client.connection.max`, `db.client.connection.pending_requests` and the histogram
 * `db.client.connection.wait_time` (seconds), all with `db.client.connection.pool.name`. The wait of
 * each checkout is also handed to its first statement's span. Other drivers: nothing.
 */
export function instrumentPool(dataSource: DataSource, poolName: string, meterProvider?: MeterProvider): void {
  const pool: unknown = (dataSource.driver as { master?: unknown }).master;
  if (!isPgPool(pool) || instrumented.has(pool)) return;
  instrumented.add(pool);
  const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter(METER_NAME, PACKAGE_VERSION);
  const attributes: Attributes = { [POOL_NAME]: poolName };
  const count = meter.createObservableUpDownCounter('db.client.connection.count', {
    description: 'Connections in the pool, by state',
    unit: '{connection}',
  });
  const max = meter.createObservableUpDownCounter('db.client.connection.max', {
    description: 'The most connections the pool may open',
    unit: '{connection}',
  });
  const pending = meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
    description: 'Requests waiting for a connection',
    unit: '{request}',
  });
  const waitTime: Histogram = meter.createHistogram('db.client.connection.wait_time', {
    description: 'Time a request waited for a connection from the pool',
    unit: 's',
  });
  meter.addBatchObservableCallback(
    (result) => {
      const used = pool.totalCount - pool.idleCount;
      result.observe(count, pool.idleCount, { ...attributes, [STATE]: 'idle' });
      result.observe(count, used, { ...attributes, [STATE]: 'used' });
      result.observe(pending, pool.waitingCount, attributes);
      if (typeof pool.options?.max === 'number') result.observe(max, pool.options.max, attributes);
    },
    [count, max, pending],
  );
  // the pool has no event for a checkout request, so its `connect` is timed on this one instance
  const connect = pool.connect.bind(pool);
  pool.connect = (callback?: (error: Error | undefined, client: object, release: () => void) => void) => {
    const requestedAt = performance.now();
    if (typeof callback !== 'function') {
      return (connect() as Promise<object>).then((client) => {
        const waited = performance.now() - requestedAt;
        recordConnectionWait(client, waited);
        waitTime.record(waited / 1000, attributes);
        return client;
      });
    }
    return connect((error, client, release) => {
      if (!error && client) {
        const waited = performance.now() - requestedAt;
        recordConnectionWait(client, waited);
        waitTime.record(waited / 1000, attributes);
      }
      callback(error, client, release);
    });
  };
}
