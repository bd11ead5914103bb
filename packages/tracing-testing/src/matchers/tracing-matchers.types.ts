import type {} from 'expect';
import type { AnyValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SpanStatusName } from '../span-filter.js';

/** The matchers' signatures, merged into jest's `expect` once this package is imported. */
export interface TracingMatchers<R> {
  toHaveSpan(name: string | RegExp, attributes?: Record<string, AnyValue>): R;
  toHaveSpanCount(count: number, name?: string | RegExp): R;
  toHaveAttributes(attributes: Record<string, AnyValue>): R;
  toBeChildOf(parent: ReadableSpan): R;
  toBeInSameTrace(other: ReadableSpan): R;
  toHaveStatus(status: SpanStatusName | number): R;
  toHaveRecordedException(type?: string): R;
  toHaveLinkTo(target: ReadableSpan): R;
  /** Over `await testMetrics.histogram(name)`: a data point with these attributes (and `count` values). */
  toHaveDataPoint(attributes: Record<string, AnyValue>, count?: number): R;
  /** Over `await testMetrics.histogram(name)`: no attribute key besides `keys`. */
  toHaveOnlyAttributeKeys(keys: readonly string[]): R;
}

declare module 'expect' {
  // T is required for declaration merging with expect's Matchers
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void>, T = unknown> extends TracingMatchers<R> {}
}
