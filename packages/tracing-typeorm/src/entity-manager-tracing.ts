import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { connectionAttributes } from './database-span.js';
import { OperationSpans, TRACED_OPERATIONS } from './operation-spans.js';
import { traceTransactionCalls } from './transaction-scope.js';
import type { ResolvedTypeOrmTracingOptions } from './typeorm-tracing.options.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Trace the entity managers of `dataSource` where TypeORM gives no event: `transaction()` runs its
 * callback with the transaction span active (with `transactionSpans`), and with `operationSpans`
 * each EntityManager and Repository call gets a `typeorm.{operation} {Entity}` span.
 *
 * Covers the data source's own manager (the one `@InjectEntityManager()`, `dataSource.transaction()`
 * and repositories use) and the manager each transaction hands its callback; with `operationSpans`
 * also every manager the data source creates (`queryRunner.manager`). It replaces methods on those
 * instances only, with one wrapper per method shared by all of them: TypeORM's classes are untouched.
 * Without `operationSpans` nothing is done per query: TypeORM makes a manager for every query runner.
 */
export function traceEntityManagers(dataSource: DataSource, options: ResolvedTypeOrmTracingOptions): void {
  if (!options.transactionSpans && !options.operationSpans) return;
  if ((dataSource.options as { type?: unknown }).type === 'mongodb') return;
  const operations = options.operationSpans
    ? new OperationSpans(dataSource, connectionAttributes(dataSource), options.requireParentSpan)
    : undefined;
  /** Original method -> its wrapper, and each wrapper -> itself, so a manager is never wrapped twice. */
  const wrappers = new Map<unknown, Method>();
  const wrapOnce = (methods: Record<string, unknown>, name: string, wrap: (original: Method) => Method): void => {
    const current = methods[name];
    if (typeof current !== 'function') return;
    let wrapper = wrappers.get(current);
    if (wrapper === undefined) {
      wrapper = wrap(current as Method);
      wrappers.set(current, wrapper);
      wrappers.set(wrapper, wrapper);
    }
    if (wrapper !== current) methods[name] = wrapper;
  };
  const traceManager = (manager: EntityManager): void => {
    const methods = manager as unknown as Record<string, unknown>;
    if (options.transactionSpans) {
      wrapOnce(methods, 'transaction', (original) =>
        traceTransactionCalls(original as (...args: unknown[]) => Promise<unknown>, traceManager),
      );
    }
    if (operations === undefined) return;
    for (const operation of TRACED_OPERATIONS)
      wrapOnce(methods, operation, (original) => operations.wrap(operation, original));
  };
  traceManager(dataSource.manager);
  if (operations === undefined) return;
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
