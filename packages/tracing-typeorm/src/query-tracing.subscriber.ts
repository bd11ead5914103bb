import { SpanKind, context, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { AttributeNames, getCorrelationId } from '@huleedu/nest-tracing';
import type {
  AfterQueryEvent,
  BeforeQueryEvent,
  DataSource,
  EntitySubscriberInterface,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  TransactionStartEvent,
} from 'typeorm';
import {
  DbAttributes,
  connectionAttributes,
  databaseErrorType,
  recordDatabaseFailure,
  statementDuration,
  statementMetricAttributes,
  tracer,
} from './database-span.js';
import { instrumentPool, takeConnectionWait } from './pool-instrumentation.js';
import { isPgInstrumented, suppressDriverSpans, suppressPoolSpans } from './pg-instrumentation.js';
import { sanitiseSql, summariseSql, truncate } from './sql-summary.js';
import { claimTransactionScope, parentInTransaction } from './transaction-scope.js';
import type { ResolvedTypeOrmTracingOptions } from './typeorm-tracing.options.js';

interface PendingQuery {
  readonly query: string;
  readonly parameters: unknown;
  readonly span: Span;
}

/** What a statement text says, worked out once per distinct text (services repeat their statements). */
interface StatementInfo {
  readonly ignored: boolean;
  readonly name: string;
  /** `db.connection` attributes plus operation, collection and the text, ready for the span. */
  readonly attributes: Attributes;
  readonly collection: string | undefined;
  /** The attributes of `db.client.operation.duration`: no statement text, no values. */
  readonly metricAttributes: Attributes;
}

/** Distinct statement texts remembered per data source; the cache starts over when full. */
const STATEMENT_CACHE_SIZE = 512;

/** Rows a driver result reports: `rows` of a pg result, an array's length, or `rowCount`. */
function returnedRows(raw: unknown): number | undefined {
  if (Array.isArray(raw)) return raw.length;
  const result = raw as { rows?: unknown; rowCount?: unknown; command?: unknown } | null | undefined;
  if (Array.isArray(result?.rows) && result.command === 'SELECT') return result.rows.length;
  return typeof result?.rowCount === 'number' ? result.rowCount : undefined;
}

/**
 * What the subscriber keeps on a query runner between its events: the statement in flight (a list
 * only when a caller overlaps statements on one runner) and the stack of open transaction spans.
 * Symbol-keyed properties on the runner object itself, not WeakMaps: TypeORM makes a query runner
 * per repository call, and a WeakMap entry per call cost more than the rest of the bookkeeping.
 */
const PENDING = Symbol('@huleedu/nest-tracing-typeorm pending statement');
const TRANSACTIONS = Symbol('@huleedu/nest-tracing-typeorm open transactions');

interface RunnerState {
  [PENDING]?: PendingQuery | PendingQuery[] | undefined;
  [TRANSACTIONS]?: Span[] | undefined;
}

/**
 * The TypeORM subscriber behind query tracing: a CLIENT span per statement (from `beforeQuery` to
 * `afterQuery`), child of the query runner's open transaction span or else of the active span, and
 * a span per transaction from start to commit or rollback. Registered on a data source by
 * `traceDataSource()` (and so by `TypeOrmTracingModule`).
 */

/** A connection attribute (a string or a number, as the subscriber sets them) as text. */
const textOf = (value: unknown, fallback: string): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;

export class QueryTracingSubscriber implements EntitySubscriberInterface {
  /** By parameterised or not, since a text without parameters is sanitised. */
  private readonly statements = [new Map<string, StatementInfo>(), new Map<string, StatementInfo>()];
  private readonly ignoredTexts: ReadonlySet<string>;
  private readonly ignoredPatterns: readonly RegExp[];
  private readonly connection: Attributes;
  /** instrumentation-pg patched the driver this data source uses. */
  private readonly pgInstrumented: boolean;

  constructor(
    dataSource: DataSource,
    private readonly options: ResolvedTypeOrmTracingOptions,
  ) {
    this.connection = connectionAttributes(dataSource);
    this.pgInstrumented = isPgInstrumented(dataSource);
    if (this.pgInstrumented && options.instrumentationPg === 'nest-tracing') suppressPoolSpans(dataSource);
    this.ignoredTexts = new Set(
      options.ignore
        .filter((entry): entry is string => typeof entry === 'string')
        .map((text) => text.trim().toLowerCase()),
    );
    this.ignoredPatterns = options.ignore.filter((entry): entry is RegExp => entry instanceof RegExp);
    if (options.poolMetrics) {
      const {
        [DbAttributes.SERVER_ADDRESS]: host,
        [DbAttributes.SERVER_PORT]: port,
        [DbAttributes.NAMESPACE]: db,
      } = this.connection;
      const named = (dataSource.options as { name?: unknown }).name;
      const poolName =
        typeof named === 'string' && named !== 'default'
          ? named
          : `${textOf(host, 'local')}:${textOf(port, '')}/${textOf(db, '')}`;
      instrumentPool(dataSource, poolName, options.meterProvider);
    }
  }

  private ignored(sql: string): boolean {
    const trimmed = sql.trim();
    if (this.ignoredTexts.has(trimmed.toLowerCase())) return true;
    return this.ignoredPatterns.some((pattern) => pattern.test(trimmed));
  }

  private statement(query: string, parameterised: boolean): StatementInfo {
    const cache = this.statements[parameterised ? 0 : 1];
    let info = cache.get(query);
    if (info) return info;
    const summary = summariseSql(query);
    // TypeORM's own statements are parameterised; a raw query may carry literal values in its text
    const text = truncate(parameterised ? query : sanitiseSql(query), this.options.maxQueryTextLength);
    const attributes: Attributes = { ...this.connection, [DbAttributes.OPERATION_NAME]: summary.operation };
    if (summary.collection !== undefined) attributes[DbAttributes.COLLECTION_NAME] = summary.collection;
    attributes[DbAttributes.QUERY_TEXT] = text;
    info = {
      ignored: this.ignored(query),
      name: summary.collection !== undefined ? `${summary.operation} ${summary.collection}` : summary.operation,
      attributes,
      collection: summary.collection,
      metricAttributes: statementMetricAttributes(this.connection, summary.operation, summary.collection),
    };
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
    cache.set(query, info);
    return info;
  }

  beforeQuery(event: BeforeQueryEvent): void {
    try {
      this.startQuery(event);
    } catch {
      // telemetry never breaks a query
    }
  }

  afterQuery(event: AfterQueryEvent): void {
    try {
      this.endQuery(event);
    } catch {
      // telemetry never breaks a query
    }
  }

  beforeTransactionStart(event: TransactionStartEvent): void {
    try {
      this.startTransaction(event.queryRunner);
    } catch {
      // telemetry never breaks a transaction
    }
  }

  private startTransaction(queryRunner: object): void {
    if (!this.options.transactionSpans) return;
    const state = queryRunner as RunnerState;
    const stack = state[TRANSACTIONS] ?? [];
    const enclosing = stack.at(-1);
    const active = context.active();
    const parent = enclosing ? parentInTransaction(active, enclosing) : active;
    if (this.options.requireParentSpan && !trace.getSpan(parent)) return;
    const namespace = this.connection[DbAttributes.NAMESPACE];
    const span = tracer().startSpan(
      enclosing ? 'SAVEPOINT' : `TRANSACTION${typeof namespace === 'string' ? ` ${namespace}` : ''}`,
      { kind: SpanKind.INTERNAL },
      parent,
    );
    if (span.isRecording()) {
      span.setAttributes(this.connection);
      const correlationId = getCorrelationId(parent);
      if (correlationId !== undefined) span.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
    }
    stack.push(span);
    state[TRANSACTIONS] = stack;
    claimTransactionScope(active, span);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    this.endTransaction(event.queryRunner, 'commit');
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.endTransaction(event.queryRunner, 'rollback');
  }

  /** A rollback is not an error of the transaction span: the error that caused it, if it escapes, is the caller's. */
  private endTransaction(queryRunner: object, outcome: 'commit' | 'rollback'): void {
    try {
      const span = (queryRunner as RunnerState)[TRANSACTIONS]?.pop();
      if (!span) return;
      if (span.isRecording()) span.setAttribute(DbAttributes.TRANSACTION_OUTCOME, outcome);
      span.end();
    } catch {
      // telemetry never breaks a transaction
    }
  }

  private startQuery(event: BeforeQueryEvent): void {
    const { query, queryRunner, parameters } = event;
    const statement = this.statement(query, Array.isArray(parameters) && parameters.length > 0);
    if (statement.ignored) return;
    if (this.pgInstrumented) {
      if (this.options.instrumentationPg === 'instrumentation-pg') return;
      suppressDriverSpans((queryRunner as { databaseConnection?: unknown }).databaseConnection);
    }
    const state = queryRunner as RunnerState;
    const transaction = state[TRANSACTIONS]?.at(-1);
    const active = context.active();
    const parent = transaction ? parentInTransaction(active, transaction) : active;
    if (this.options.requireParentSpan && !trace.getSpan(parent)) return;
    const span = tracer().startSpan(statement.name, { kind: SpanKind.CLIENT }, parent);
    if (span.isRecording()) {
      span.setAttributes(statement.attributes);
      const correlationId = getCorrelationId(parent);
      if (correlationId !== undefined) span.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
      const waited = takeConnectionWait((queryRunner as { databaseConnection?: unknown }).databaseConnection);
      if (waited !== undefined) span.setAttribute(DbAttributes.CONNECTION_WAIT_TIME_MS, waited);
      this.recordParameters(span, statement.collection, parameters);
    }
    if (statementDuration.enabled) statementDuration.start(span, statement.metricAttributes);
    const entry: PendingQuery = { query, parameters, span };
    const pending = state[PENDING];
    // one statement at a time per query runner is the rule; a list only when a caller overlaps them
    if (pending === undefined) state[PENDING] = entry;
    else if (Array.isArray(pending)) pending.push(entry);
    else state[PENDING] = [pending, entry];
  }

  private recordParameters(span: Span, collection: string | undefined, parameters: unknown): void {
    const allowed = this.options.recordParameters;
    if (allowed.size === 0 || !Array.isArray(parameters)) return;
    if (!allowed.has('*') && (collection === undefined || !allowed.has(collection))) return;
    parameters.forEach((value: unknown, index) => {
      const attribute =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? value
          : value === null || value === undefined
            ? String(value)
            : value instanceof Date
              ? value.toISOString()
              : undefined;
      if (attribute !== undefined) {
        span.setAttribute(
          `${DbAttributes.QUERY_PARAMETER_PREFIX}${index}`,
          typeof attribute === 'string' ? truncate(attribute, this.options.maxQueryTextLength) : attribute,
        );
      }
    });
  }

  /** The pending statement `event` ends, removed from its query runner's list. */
  private takePending(event: AfterQueryEvent): PendingQuery | undefined {
    const state = event.queryRunner as RunnerState;
    const pending = state[PENDING];
    if (pending === undefined) return undefined;
    if (!Array.isArray(pending)) {
      if (pending.query !== event.query || pending.parameters !== event.parameters) return undefined;
      state[PENDING] = undefined;
      return pending;
    }
    const index = pending.findIndex((entry) => entry.query === event.query && entry.parameters === event.parameters);
    if (index < 0) return undefined;
    const [entry] = pending.splice(index, 1);
    if (pending.length === 0) state[PENDING] = undefined;
    return entry;
  }

  private endQuery(event: AfterQueryEvent): void {
    const entry = this.takePending(event);
    if (!entry) return;
    const { span } = entry;
    if (span.isRecording()) {
      if (event.success) {
        const rows = returnedRows(event.rawResults);
        if (rows !== undefined) span.setAttribute(DbAttributes.RESPONSE_RETURNED_ROWS, rows);
      } else {
        recordDatabaseFailure(span, event.error);
      }
      const threshold = this.options.slowQueryThresholdMs;
      const durationMs = event.executionTime;
      if (threshold !== undefined && durationMs !== undefined && durationMs >= threshold) {
        span.addEvent('db.query.slow', { 'db.query.duration_ms': durationMs, 'db.query.slow_threshold_ms': threshold });
      }
    }
    span.end();
    statementDuration.end(span, event.success ? undefined : databaseErrorType(event.error));
  }
}
