import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { summariseSql, sanitiseSql, traceDataSource } from '@huleedu/nest-tracing-typeorm';
import { DataSource } from 'typeorm';
import type { AfterQueryEvent, BeforeQueryEvent, EntitySubscriberInterface } from 'typeorm';
import { EventEmitter } from 'node:events';
import { ATTRIBUTES_AT_START, baggageCorrelationId, handWrittenTracer, startWithAttributes } from './floor-sdk.js';
import type { FloorTransport } from './floor-transport.js';

/** The statement TypeORM sends for `repository.findOneBy({ id })`. */
const SQL =
  'SELECT "Essay"."id" AS "Essay_id", "Essay"."title" AS "Essay_title", "Essay"."status" AS "Essay_status", ' +
  '"Essay"."word_count" AS "Essay_word_count" FROM "essays" "Essay" WHERE (("Essay"."id" = $1)) LIMIT 1';
const ROW = { Essay_id: 42, Essay_title: 'Essay 42', Essay_status: 'submitted', Essay_word_count: 242 };
const CONNECTION: Attributes = {
  'db.system.name': 'postgresql',
  'db.namespace': 'essays',
  'server.address': '127.0.0.1',
  'server.port': 5432,
};

/** A pg client that answers every statement at once with one row, as pg's `Client` reports a SELECT. */
class ImmediatePgClient extends EventEmitter {
  queries = 0;
  query(_text: string, parameters: unknown[]): Promise<{ command: string; rowCount: number; rows: unknown[] }> {
    this.queries = (this.queries + (parameters[0] as number)) | 0;
    return Promise.resolve({ command: 'SELECT', rowCount: 1, rows: [ROW] });
  }
}

/**
 * A real TypeORM data source with the postgres driver, whose pool hands out the immediate client
 * (a minimal pool: not a pg `Pool`, so no pool metrics). `dataSource.query()` then runs TypeORM's own
 * path: a query runner, its connection, the BeforeQuery and AfterQuery broadcasts to the subscribers,
 * the release.
 */
function stubbedDataSource(client: ImmediatePgClient): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    database: 'essays',
    logging: false,
  });
  const release = (): void => undefined;
  const pool = {
    connect: (callback: (error: Error | undefined, connection: object, done: () => void) => void) =>
      callback(undefined, client, release),
  };
  Object.assign(dataSource.driver, { master: pool });
  // what initialize() sets once connected; the subscribers are added by hand or by traceDataSource
  Object.assign(dataSource, { isInitialized: true });
  return dataSource;
}

const PENDING = Symbol('floor statement span');
type RunnerWithSpan = { [PENDING]?: Span };

/**
 * The statement span a careful engineer writes as a TypeORM subscriber: a CLIENT span from
 * BeforeQuery to AfterQuery under the active context, named `{operation} {table}` with the
 * connection attributes and the statement text (both worked out once per distinct text), the
 * correlation id from baggage, the rows returned, and the SQLSTATE on failure.
 */
class HandWrittenStatementSubscriber implements EntitySubscriberInterface {
  private readonly statements = new Map<string, { name: string; attributes: Attributes }>();

  private statement(query: string, parameterised: boolean): { name: string; attributes: Attributes } {
    let statement = this.statements.get(query);
    if (statement) return statement;
    const { operation, collection } = summariseSql(query);
    const text = parameterised ? query : sanitiseSql(query);
    const attributes: Attributes = { ...CONNECTION, 'db.operation.name': operation };
    if (collection !== undefined) attributes['db.collection.name'] = collection;
    attributes['db.query.text'] = text.length <= 2048 ? text : `${text.slice(0, 2047)}…`;
    statement = { name: collection !== undefined ? `${operation} ${collection}` : operation, attributes };
    this.statements.set(query, statement);
    return statement;
  }

  beforeQuery(event: BeforeQueryEvent): void {
    const { name, attributes } = this.statement(
      event.query,
      Array.isArray(event.parameters) && event.parameters.length > 0,
    );
    const parent = context.active();
    const correlationId = baggageCorrelationId(parent);
    let span: Span;
    if (ATTRIBUTES_AT_START) {
      const all = correlationId === undefined ? attributes : { ...attributes, correlation_id: correlationId };
      span = startWithAttributes(name, SpanKind.CLIENT, all, parent);
    } else {
      span = handWrittenTracer().startSpan(name, { kind: SpanKind.CLIENT }, parent);
      span.setAttributes(attributes);
      if (correlationId !== undefined) span.setAttribute('correlation_id', correlationId);
    }
    (event.queryRunner as RunnerWithSpan)[PENDING] = span;
  }

  afterQuery(event: AfterQueryEvent): void {
    const runner = event.queryRunner as RunnerWithSpan;
    const span = runner[PENDING];
    if (!span) return;
    runner[PENDING] = undefined;
    if (event.success) {
      const rows = (event.rawResults as { rows?: unknown } | undefined)?.rows;
      if (Array.isArray(rows)) span.setAttribute('db.response.returned_rows', rows.length);
    } else {
      const code = (event.error as { code?: unknown } | undefined)?.code;
      const type = typeof code === 'string' ? code : '_OTHER';
      span.setAttribute('error.type', type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? `SQLSTATE ${code}` : type });
    }
    span.end();
  }
}

/** One statement through TypeORM's query path: untraced, with the hand-written subscriber, traced by `traceDataSource`. */
export function typeormStatementTransport(requestContext: Context): FloorTransport {
  const client = new ImmediatePgClient();
  const untraced = stubbedDataSource(client);
  const handWritten = stubbedDataSource(client);
  handWritten.subscribers.push(new HandWrittenStatementSubscriber());
  const ours = traceDataSource(stubbedDataSource(client));
  const dataSources = { untraced, 'hand-written': handWritten, 'nest-tracing': ours };
  let id = 0;
  const batch = (dataSource: DataSource) => {
    const loop = async (n: number): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        id = (id + 1) & 1023;
        const rows = await dataSource.query<unknown[]>(SQL, [id]);
        sum = (sum + rows.length) | 0;
      }
      return sum;
    };
    return (n: number) => context.with(requestContext, loop, undefined, n);
  };
  return {
    id: 'typeorm-statement',
    label: 'TypeORM statement span (dataSource.query)',
    iterations: 500,
    warmupBatches: 200,
    spansPerOperation: 1,
    batches: {
      untraced: batch(untraced),
      'hand-written': batch(handWritten),
      'nest-tracing': batch(ours),
    },
    observe: async (variant) => {
      await context.with(requestContext, () => dataSources[variant].query(SQL, [42]));
      return undefined;
    },
  };
}
