import { SpanStatusCode } from '@opentelemetry/api';
import type { AnyValue, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** Status by name or code. */
export type SpanStatusName = 'unset' | 'ok' | 'error';

/** What a span must match; every given field must hold. */
export interface SpanFilter {
  /** Exact name, or a pattern. */
  name?: string | RegExp;
  traceId?: string;
  kind?: SpanKind;
  status?: SpanStatusName | SpanStatusCode;
  /**
   * Each attribute must be present with an equal value: arrays member by member, maps key by key,
   * byte arrays byte by byte (API 1.10 attribute values).
   */
  attributes?: Record<string, AnyValue>;
  /** The parent span, or `null` for spans without a parent. */
  parent?: ReadableSpan | null;
}

const STATUS_CODES: Record<SpanStatusName, SpanStatusCode> = {
  unset: SpanStatusCode.UNSET,
  ok: SpanStatusCode.OK,
  error: SpanStatusCode.ERROR,
};

export function statusCodeOf(status: SpanStatusName | SpanStatusCode): SpanStatusCode {
  return typeof status === 'string' ? STATUS_CODES[status] : status;
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);

/**
 * Equality of two attribute values of the API 1.10 kinds (`AnyValue`): primitives and `null`,
 * byte arrays, arrays and maps of any of them, compared in depth.
 */
export function sameAttributeValue(actual: unknown, expected: unknown): boolean {
  if (expected instanceof Uint8Array) {
    return (
      actual instanceof Uint8Array && actual.length === expected.length && expected.every((v, i) => actual[i] === v)
    );
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((v, i) => sameAttributeValue(actual[i], v))
    );
  }
  if (isMap(expected)) {
    if (!isMap(actual)) return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((key) => Object.hasOwn(actual, key) && sameAttributeValue(actual[key], expected[key]))
    );
  }
  return actual === expected;
}

export function matchesFilter(span: ReadableSpan, filter: SpanFilter): boolean {
  const { name, traceId, kind, status, attributes, parent } = filter;
  if (name !== undefined && (typeof name === 'string' ? span.name !== name : !name.test(span.name))) return false;
  if (traceId !== undefined && span.spanContext().traceId !== traceId) return false;
  if (kind !== undefined && span.kind !== kind) return false;
  if (status !== undefined && span.status.code !== statusCodeOf(status)) return false;
  if (parent !== undefined) {
    const parentId = span.parentSpanContext?.spanId;
    if (parent === null ? parentId !== undefined : parentId !== parent.spanContext().spanId) return false;
  }
  if (attributes) {
    for (const [key, value] of Object.entries(attributes)) {
      if (!sameAttributeValue(span.attributes[key], value)) return false;
    }
  }
  return true;
}

export function describeFilter(filter: SpanFilter): string {
  const parts = Object.entries(filter).map(([key, value]) =>
    key === 'parent' && value
      ? `parent=${(value as ReadableSpan).name}`
      : `${key}=${value instanceof RegExp ? value : JSON.stringify(value)}`,
  );
  return `{ ${parts.join(', ')} }`;
}
