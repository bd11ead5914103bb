import { SpanKind, context, createContextKey, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { types } from 'node:util';
import { AttributeNames, getCorrelationId } from '@huleedu/nest-tracing';
import type { DataSource } from 'typeorm';
import { DbAttributes, recordDatabaseFailure, tracer } from './database-span.js';

/** The EntityManager methods (and so Repository methods, which call them) that get an operation span. */
export const TRACED_OPERATIONS = [
  'find',
  'findBy',
  'findAndCount',
  'findAndCountBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'findOneByOrFail',
  'exists',
  'existsBy',
  'count',
  'countBy',
  'sum',
  'average',
  'minimum',
  'maximum',
  'preload',
  'save',
  'insert',
  'upsert',
  'update',
  'updateAll',
  'delete',
  'deleteAll',
  'remove',
  'softDelete',
  'softRemove',
  'restore',
  'recover',
  'increment',
  'decrement',
  'clear',
] as const;

/** Set while an operation span is active: an operation the manager calls from inside it makes no second span. */
const OPERATION_KEY = createContextKey('@huleedu/nest-tracing-typeorm operation');

/** What an operation span says about its entity, worked out once per target. */
interface EntityInfo {
  readonly entity: string | undefined;
  readonly table: string | undefined;
}

const NO_ENTITY: EntityInfo = { entity: undefined, table: undefined };
const ENTITY_SCHEMA = Symbol.for('EntitySchema');

/**
 * The entity target of a call: a class, entity name or `EntitySchema` passed first, else (for
 * `save(entity)`, `remove([entities])`) the class of the entity passed. Never reads the entity's data.
 */
function targetOf(first: unknown): unknown {
  if (typeof first === 'function' || typeof first === 'string') return first;
  if (typeof first !== 'object' || first === null) return undefined;
  if ((first as { '@instanceof'?: unknown })['@instanceof'] === ENTITY_SCHEMA) return first;
  const entity: unknown = Array.isArray(first) ? first[0] : first;
  const constructor = (entity as { constructor?: unknown } | null | undefined)?.constructor;
  return typeof constructor === 'function' && constructor !== Object ? constructor : undefined;
}

/**
 * Makes the `typeorm.{operation} {Entity}` spans of one data source: an INTERNAL span around an
 * EntityManager (or Repository) call, the parent of the statements it runs.
 */
export class OperationSpans {
  private readonly entities = new Map<unknown, EntityInfo>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: Attributes,
    private readonly requireParentSpan: boolean,
  ) {}

  private entityOf(target: unknown): EntityInfo {
    if (target === undefined) return NO_ENTITY;
    let info = this.entities.get(target);
    if (info) return info;
    info = NO_ENTITY;
    if (this.dataSource.isInitialized && this.dataSource.hasMetadata(target as string)) {
      const metadata = this.dataSource.getMetadata(target as string);
      info = { entity: metadata.name, table: metadata.tableName };
    } else if (typeof target === 'function' || typeof target === 'string') {
      // not an entity of this data source (yet): name it, but do not remember it
      return { entity: typeof target === 'string' ? target : target.name || undefined, table: undefined };
    }
    if (this.entities.size >= 1024) this.entities.clear();
    this.entities.set(target, info);
    return info;
  }

  private start(operation: string, first: unknown): Span | undefined {
    const active = context.active();
    if (active.getValue(OPERATION_KEY) !== undefined) return undefined;
    if (this.requireParentSpan && !trace.getSpan(active)) return undefined;
    const { entity, table } = this.entityOf(targetOf(first));
    const span = tracer().startSpan(
      entity !== undefined ? `typeorm.${operation} ${entity}` : `typeorm.${operation}`,
      { kind: SpanKind.INTERNAL },
      active,
    );
    if (span.isRecording()) {
      span.setAttributes(this.connection);
      span.setAttribute(DbAttributes.TYPEORM_OPERATION, operation);
      if (entity !== undefined) span.setAttribute(DbAttributes.TYPEORM_ENTITY, entity);
      if (table !== undefined) span.setAttribute(DbAttributes.COLLECTION_NAME, table);
      const correlationId = getCorrelationId(active);
      if (correlationId !== undefined) span.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
    }
    return span;
  }

  /**
   * `method` of an EntityManager wrapped in an operation span: same `this`, arguments, result and
   * errors. A call made while another operation span is active (`findOneOrFail` calls `findOne`)
   * runs straight through.
   */
  wrap(operation: string, method: (this: unknown, ...args: unknown[]) => unknown) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper's own `this` is the manager's
    const spans = this;
    return function tracedOperation(this: unknown, ...args: unknown[]): unknown {
      let span: Span | undefined;
      try {
        span = spans.start(operation, args[0]);
      } catch {
        // telemetry never breaks a database call
      }
      if (span === undefined) return method.apply(this, args);
      const opened = span;
      let result: unknown;
      try {
        const inside = trace.setSpan(context.active(), opened).setValue(OPERATION_KEY, opened);
        result = context.with(inside, () => method.apply(this, args));
      } catch (error) {
        fail(opened, error);
        throw error;
      }
      if (!types.isPromise(result)) {
        opened.end();
        return result;
      }
      return result.then(
        (value: unknown) => {
          opened.end();
          return value;
        },
        (error: unknown) => {
          fail(opened, error);
          throw error;
        },
      );
    };
  }
}

function fail(span: Span, error: unknown): void {
  try {
    if (span.isRecording()) recordDatabaseFailure(span, error);
  } finally {
    span.end();
  }
}
