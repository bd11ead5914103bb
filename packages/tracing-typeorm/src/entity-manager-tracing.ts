import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { connectionAttributes } from './database-span.js';
import { OperationSpans, TRACED_OPERATIONS } from './operation-spans.js';
import { traceTransactionCalls } from './transaction-scope.js';
import type { ResolvedTypeOrmTracingOptions } from './typeorm-tracing.options.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

const TRACED_MANAGERS = new WeakSet<object>();

/**
 * Trace the entity managers of `dataSource` where TypeORM gives no event: `transaction()` runs its
 * callback with the transaction span active (with `transactionSpans`), and with `operationSpans`
 * each EntityManager and Repository call gets a `typeorm.{operation} {Entity}` span. Covers the data
 * source's own manager (the one `@InjectEntityManager()` and repositories use) and every manager it
 * creates afterwards (those of query runners and transactions), by wrapping methods on those
 * instances only: TypeORM's classes are untouched.
 */
export function traceEntityManagers(dataSource: DataSource, options: ResolvedTypeOrmTracingOptions): void {
  if (!options.transactionSpans && !options.operationSpans) return;
  const operations = options.operationSpans
    ? new OperationSpans(dataSource, connectionAttributes(dataSource), options.requireParentSpan)
    : undefined;
  const traceManager = (manager: EntityManager): void => {
    if (TRACED_MANAGERS.has(manager)) return;
    TRACED_MANAGERS.add(manager);
    const methods = manager as unknown as Record<string, unknown>;
    if (options.transactionSpans && typeof methods.transaction === 'function') {
      methods.transaction = traceTransactionCalls(methods.transaction as (...args: unknown[]) => Promise<unknown>);
    }
    if (operations === undefined) return;
    for (const operation of TRACED_OPERATIONS) {
      const method = methods[operation];
      if (typeof method === 'function') methods[operation] = operations.wrap(operation, method as Method);
    }
  };
  if ((dataSource.options as { type?: unknown }).type === 'mongodb') return;
  traceManager(dataSource.manager);
  const createEntityManager = dataSource.createEntityManager.bind(dataSource);
  dataSource.createEntityManager = function tracedCreateEntityManager(queryRunner?: QueryRunner): EntityManager {
    const manager = createEntityManager(queryRunner);
    try {
      traceManager(manager);
    } catch {
      // telemetry never breaks the data source
    }
    return manager;
  };
}
