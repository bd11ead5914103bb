import { EventSubscriber } from 'typeorm';
import type { DataSource } from 'typeorm';
import { traceEntityManagers } from './entity-manager-tracing.js';
import { QueryTracingSubscriber } from './query-tracing.subscriber.js';
import { resolveTypeOrmTracingOptions } from './typeorm-tracing.options.js';
import type { TypeOrmTracingOptions } from './typeorm-tracing.options.js';

const TRACED = new WeakSet<DataSource>();

/**
 * Trace the queries and transactions of `dataSource` (see `QueryTracingSubscriber`), and with
 * `operationSpans` its EntityManager and Repository calls (see `traceEntityManagers`), before or
 * after it is initialised: an initialised data source gets the subscriber at once; one that is not
 * yet gets it through its `subscribers` option, which `initialize()` reads. A second call changes
 * nothing. Returns the data source.
 * @example `await traceDataSource(new DataSource(options)).initialize()`
 */
export function traceDataSource(dataSource: DataSource, options?: TypeOrmTracingOptions): DataSource {
  const resolved = resolveTypeOrmTracingOptions(options);
  if (TRACED.has(dataSource)) return dataSource;
  TRACED.add(dataSource);
  traceEntityManagers(dataSource, resolved);
  if (dataSource.isInitialized) {
    (dataSource.subscribers as unknown[]).push(new QueryTracingSubscriber(dataSource, resolved));
    return dataSource;
  }
  // TypeORM builds subscribers from `@EventSubscriber()` classes it constructs without arguments
  class BoundQueryTracingSubscriber extends QueryTracingSubscriber {
    constructor() {
      super(dataSource, resolved);
    }
  }
  EventSubscriber()(BoundQueryTracingSubscriber);
  const dataSourceOptions = dataSource.options as { subscribers?: unknown[] };
  Object.assign(dataSourceOptions, {
    subscribers: [...(dataSourceOptions.subscribers ?? []), BoundQueryTracingSubscriber],
  });
  return dataSource;
}
