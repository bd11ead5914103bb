import { SpanStatusCode } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { DurationHistogram, PACKAGE_VERSION, libraryTracer } from '@huleedu/nest-tracing';
import type { DataSource } from 'typeorm';

export const TRACER_NAME = '@huleedu/nest-tracing-typeorm';

/** Database semantic-convention attribute names (semconv 1.36, stable database conventions). */
export const DbAttributes = {
  SYSTEM_NAME: 'db.system.name',
  NAMESPACE: 'db.namespace',
  COLLECTION_NAME: 'db.collection.name',
  OPERATION_NAME: 'db.operation.name',
  QUERY_TEXT: 'db.query.text',
  QUERY_PARAMETER_PREFIX: 'db.query.parameter.',
  RESPONSE_RETURNED_ROWS: 'db.response.returned_rows',
  RESPONSE_STATUS_CODE: 'db.response.status_code',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  ERROR_TYPE: 'error.type',
  /** Not semconv: how long the statement's connection waited for the pool (first statement of a checkout). */
  CONNECTION_WAIT_TIME_MS: 'db.client.connection.wait_time_ms',
  /** Not semconv (there is none for transactions yet): `commit` or `rollback`. */
  TRANSACTION_OUTCOME: 'db.transaction.outcome',
  /** Not semconv: the EntityManager or Repository method of an operation span (`save`, `findOneBy`). */
  TYPEORM_OPERATION: 'typeorm.operation',
  /** Not semconv: the entity an operation span works on (`Essay`). */
  TYPEORM_ENTITY: 'typeorm.entity',
} as const;

export const tracer = libraryTracer(TRACER_NAME, PACKAGE_VERSION);

/** `db.system.name` for TypeORM's driver types (the well-known values of the semantic conventions). */
function systemName(type: string): string {
  switch (type) {
    case 'postgres':
    case 'aurora-postgres':
    case 'cockroachdb':
      return 'postgresql';
    case 'mysql':
    case 'aurora-mysql':
      return 'mysql';
    case 'mariadb':
      return 'mariadb';
    case 'better-sqlite3':
    case 'sqlite':
    case 'sqljs':
      return 'sqlite';
    case 'mssql':
      return 'microsoft.sql_server';
    case 'oracle':
      return 'oracle.db';
    default:
      return type;
  }
}

/** Connection attributes of a data source, read once: system, database (and schema), host and port (from `url` too). */
export function connectionAttributes(dataSource: DataSource): Attributes {
  const options = dataSource.options as {
    type: string;
    database?: unknown;
    host?: unknown;
    port?: unknown;
    url?: unknown;
    schema?: unknown;
  };
  const system = systemName(options.type);
  const attributes: Attributes = { [DbAttributes.SYSTEM_NAME]: system };
  let { database, host, port } = options;
  if (typeof options.url === 'string') {
    try {
      const url = new URL(options.url);
      host ??= url.hostname;
      port ??= url.port ? Number(url.port) : undefined;
      database ??= url.pathname.replace(/^\//, '') || undefined;
    } catch {
      // not a URL: nothing more to learn from it
    }
  }
  if (typeof database === 'string' && database.length > 0) {
    // PostgreSQL's namespace is the schema qualified by the database (`essays|public`) when a schema is set
    const { schema } = options;
    attributes[DbAttributes.NAMESPACE] =
      system === 'postgresql' && typeof schema === 'string' && schema.length > 0 ? `${database}|${schema}` : database;
  }
  if (typeof host === 'string' && host.length > 0) attributes[DbAttributes.SERVER_ADDRESS] = host;
  if (typeof port === 'number') attributes[DbAttributes.SERVER_PORT] = port;
  return attributes;
}

/** The SQLSTATE of a driver error (pg: `code`), when there is one. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** `error.type` of a failed statement: the SQLSTATE, else the error's class (`_OTHER` for non-Errors). */
export function databaseErrorType(error: unknown): string {
  return sqlState(error) ?? (error instanceof Error ? error.constructor.name : '_OTHER');
}

/**
 * `db.client.operation.duration` (stable database conventions): each statement this package makes a
 * span for, from `beforeQuery` to `afterQuery`. Statements `instrumentation-pg` keeps (option
 * `instrumentationPg: 'instrumentation-pg'`) are left to it: it records the same metric.
 */
export const statementDuration = new DurationHistogram(
  'db.client.operation.duration',
  'Duration of database client operations.',
  { name: TRACER_NAME, version: PACKAGE_VERSION },
);

/** The connection attributes a duration metric keeps: system, namespace, server address and port. */
const METRIC_CONNECTION_KEYS = [
  DbAttributes.SYSTEM_NAME,
  DbAttributes.NAMESPACE,
  DbAttributes.SERVER_ADDRESS,
  DbAttributes.SERVER_PORT,
] as const;

/** The attributes of a statement's duration metric: the connection's, the operation, and the table when known. */
export function statementMetricAttributes(
  connection: Attributes,
  operation: string,
  collection: string | undefined,
): Attributes {
  const attributes: Attributes = {};
  for (const key of METRIC_CONNECTION_KEYS) if (connection[key] !== undefined) attributes[key] = connection[key];
  attributes[DbAttributes.OPERATION_NAME] = operation;
  if (collection !== undefined) attributes[DbAttributes.COLLECTION_NAME] = collection;
  return attributes;
}

/**
 * Status ERROR with `error.type` and `db.response.status_code` (the SQLSTATE); the message is the
 * SQLSTATE (or the error's class) only, since driver messages can quote the offending values.
 */
export function recordDatabaseFailure(span: Span, error: unknown): void {
  const code = sqlState(error);
  const type = databaseErrorType(error);
  span.setAttribute(DbAttributes.ERROR_TYPE, type);
  if (code !== undefined) span.setAttribute(DbAttributes.RESPONSE_STATUS_CODE, code);
  // the error's own message is left out: drivers and TypeORM quote values (a where clause, a key) in it
  const message = code !== undefined ? `SQLSTATE ${code}` : type;
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.addEvent('exception', { 'exception.type': type, 'exception.message': message });
}
