export { TypeOrmTracingModule } from './typeorm-tracing.module.js';
export { traceDataSource } from './trace-data-source.js';
export { QueryTracingSubscriber } from './query-tracing.subscriber.js';
export { DbAttributes, connectionAttributes } from './database-span.js';
export { DEFAULT_IGNORED_STATEMENTS } from './typeorm-tracing.options.js';
export type { TypeOrmTracingOptions } from './typeorm-tracing.options.js';
export { sanitiseSql, summariseSql } from './sql-summary.js';
export type { SqlSummary } from './sql-summary.js';
