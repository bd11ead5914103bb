import { TracingConfigError } from '@huleedu/nest-tracing';
import type { MeterProvider } from '@opentelemetry/api';

/** Options of `TypeOrmTracingModule.forRoot()` and `traceDataSource()`. */
export interface TypeOrmTracingOptions {
  /**
   * Make query spans only under an active span (a request, a message, a traced method), so
   * start-up work and background housekeeping make none. Default: `false`.
   */
  requireParentSpan?: boolean;
  /**
   * Statements that make no span: exact texts (compared trimmed and case-insensitively) or regular
   * expressions. Default: `SELECT 1`, `SELECT version()`, and statements on TypeORM's `migrations`
   * and `typeorm_metadata` tables.
   */
  ignore?: ReadonlyArray<string | RegExp>;
  /**
   * Record parameter values as `db.query.parameter.<index>`, for statements on these tables
   * (`db.collection.name`), or `'*'` for all. Default: none: values are never recorded.
   */
  recordParameters?: readonly string[];
  /** Longest `db.query.text` kept; longer texts are cut. Default: 2048 characters. */
  maxQueryTextLength?: number;
  /** A query that takes at least this many milliseconds gets a `db.query.slow` event. Default: off. */
  slowQueryThresholdMs?: number;
  /**
   * A span per transaction, parent of its queries and active inside the `transaction()` callback,
   * so spans the callback's code starts are its children. Default: `true`.
   */
  transactionSpans?: boolean;
  /**
   * An INTERNAL span per EntityManager or Repository call (`typeorm.save Essay`,
   * `typeorm.findOneBy Essay`), the parent of the statements the call runs. Default: `false`: the
   * statement spans alone, under whatever span called the repository.
   */
  operationSpans?: boolean;
  /**
   * When `@opentelemetry/instrumentation-pg` has patched the pg driver, which one makes the span of
   * each statement (exactly one does): `nest-tracing` (default; pg's statement spans are suppressed
   * on the connections TypeORM uses) or `instrumentation-pg` (this package makes transaction spans
   * only).
   */
  instrumentationPg?: 'nest-tracing' | 'instrumentation-pg';
  /** Connection-pool metrics and the wait-for-a-connection time (pg pools). Default: `true`. */
  poolMetrics?: boolean;
  /** Where the pool metrics go. Default: the global meter provider at the time the data source is traced. */
  meterProvider?: MeterProvider;
}

export interface ResolvedTypeOrmTracingOptions {
  readonly requireParentSpan: boolean;
  readonly ignore: ReadonlyArray<string | RegExp>;
  readonly recordParameters: ReadonlySet<string>;
  readonly maxQueryTextLength: number;
  readonly slowQueryThresholdMs: number | undefined;
  readonly transactionSpans: boolean;
  readonly operationSpans: boolean;
  readonly instrumentationPg: 'nest-tracing' | 'instrumentation-pg';
  readonly poolMetrics: boolean;
  readonly meterProvider: MeterProvider | undefined;
}

export const DEFAULT_IGNORED_STATEMENTS: ReadonlyArray<string | RegExp> = [
  'SELECT 1',
  'SELECT version()',
  /"(?:migrations|typeorm_metadata)"/,
];

function fail(problem: string, solution: string): never {
  throw TracingConfigError.create(`TypeOrmTracingModule: ${problem}`, [solution]);
}

/** Defaults filled in; invalid values fail at start-up with what to write instead. */
export function resolveTypeOrmTracingOptions(options: TypeOrmTracingOptions = {}): ResolvedTypeOrmTracingOptions {
  const { maxQueryTextLength = 2048, slowQueryThresholdMs } = options;
  if (!Number.isInteger(maxQueryTextLength) || maxQueryTextLength < 16) {
    fail(
      `maxQueryTextLength must be an integer of at least 16, got ${String(maxQueryTextLength)}`,
      'Pass a whole number of characters such as 2048, or leave it out for the default.',
    );
  }
  if (slowQueryThresholdMs !== undefined && !(slowQueryThresholdMs >= 0)) {
    fail(
      `slowQueryThresholdMs must be a number of milliseconds (0 or more), got ${String(slowQueryThresholdMs)}`,
      'Pass a duration in milliseconds such as 200, or leave it out to record no slow-statement events.',
    );
  }
  if (
    options.instrumentationPg !== undefined &&
    options.instrumentationPg !== 'nest-tracing' &&
    options.instrumentationPg !== 'instrumentation-pg'
  ) {
    fail(
      `instrumentationPg must be 'nest-tracing' or 'instrumentation-pg', got ${JSON.stringify(options.instrumentationPg)}`,
      "Use 'nest-tracing' to keep this package's statement spans, or 'instrumentation-pg' to keep pg's.",
    );
  }
  for (const name of ['requireParentSpan', 'transactionSpans', 'operationSpans', 'poolMetrics'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'boolean') {
      fail(`${name} must be true or false, got ${JSON.stringify(value)}`, `Write ${name}: true or ${name}: false.`);
    }
  }
  for (const entry of options.ignore ?? []) {
    if (typeof entry !== 'string' && !(entry instanceof RegExp)) {
      fail(
        'ignore must list SQL texts (strings) or regular expressions',
        "Write entries like 'SELECT 1' or /pg_catalog/.",
      );
    }
  }
  return {
    requireParentSpan: options.requireParentSpan ?? false,
    ignore: options.ignore ?? DEFAULT_IGNORED_STATEMENTS,
    recordParameters: new Set(options.recordParameters ?? []),
    maxQueryTextLength,
    slowQueryThresholdMs,
    transactionSpans: options.transactionSpans ?? true,
    operationSpans: options.operationSpans ?? false,
    instrumentationPg: options.instrumentationPg ?? 'nest-tracing',
    poolMetrics: options.poolMetrics ?? true,
    meterProvider: options.meterProvider,
  };
}
