import type { AnyValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describeFilter, matchesFilter, sameAttributeValue, statusCodeOf } from '../span-filter.js';
import type { SpanStatusName } from '../span-filter.js';
import { describeSpan, formatSpanTree } from '../span-tree.js';
import { result, spanOf, spansOf, treeAround } from './matcher-support.js';
import { metricMatchers } from './metric-matchers.js';
import type { MatcherResult, MatcherState } from './matcher-support.js';

const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

/**
 * Jest matchers over spans (and histogram data points, see `metric-matchers.ts`). Register with `expect.extend(tracingMatchers)` (for example in a
 * `setupFilesAfterEnv` file); failure messages print the span tree.
 */
export const tracingMatchers = {
  /** The collection has a span with this name and, if given, these attributes. */
  toHaveSpan(
    this: MatcherState,
    received: unknown,
    name: string | RegExp,
    attributes?: Record<string, AnyValue>,
  ): MatcherResult {
    const spans = spansOf(received, 'toHaveSpan');
    const filter = { name, ...(attributes ? { attributes } : {}) };
    const pass = spans.some((span) => matchesFilter(span, filter));
    return result(
      this,
      pass,
      (not) => `Expected spans ${not}to include one matching ${describeFilter(filter)}.`,
      formatSpanTree(spans),
    );
  },

  /** The collection has `count` spans (with this name, if given). */
  toHaveSpanCount(this: MatcherState, received: unknown, count: number, name?: string | RegExp): MatcherResult {
    const spans = spansOf(received, 'toHaveSpanCount');
    const actual = name === undefined ? spans.length : spans.filter((span) => matchesFilter(span, { name })).length;
    const what = name === undefined ? 'spans' : `spans named ${String(name)}`;
    return result(
      this,
      actual === count,
      (not) => `Expected ${not}${count} ${what}, found ${actual}.`,
      formatSpanTree(spans),
    );
  },

  /** The span has each of these attributes with an equal value. */
  toHaveAttributes(this: MatcherState, received: unknown, attributes: Record<string, AnyValue>): MatcherResult {
    const span = spanOf(received, 'toHaveAttributes');
    const wrong = Object.entries(attributes).filter(([key, value]) => !sameAttributeValue(span.attributes[key], value));
    const detail = wrong
      .map(([key, value]) => `  ${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(span.attributes[key])}`)
      .join('\n');
    return result(
      this,
      wrong.length === 0,
      (not) => `Expected ${describeSpan(span)} ${not}to have attributes ${JSON.stringify(attributes)}.\n${detail}`,
      treeAround(span),
    );
  },

  /** The span's parent is `parent`. */
  toBeChildOf(this: MatcherState, received: unknown, parent: ReadableSpan): MatcherResult {
    const span = spanOf(received, 'toBeChildOf');
    const pass =
      span.parentSpanContext?.spanId === idOf(parent) && span.spanContext().traceId === parent.spanContext().traceId;
    return result(
      this,
      pass,
      (not) => `Expected ${span.name} ${not}to be a child of ${parent.name}.`,
      treeAround(span, parent),
    );
  },

  /** Both spans belong to one trace. */
  toBeInSameTrace(this: MatcherState, received: unknown, other: ReadableSpan): MatcherResult {
    const span = spanOf(received, 'toBeInSameTrace');
    const pass = span.spanContext().traceId === other.spanContext().traceId;
    return result(
      this,
      pass,
      (not) => `Expected ${span.name} ${not}to be in the same trace as ${other.name}.`,
      treeAround(span, other),
    );
  },

  /** The span's status is `unset`, `ok` or `error` (or a `SpanStatusCode`). */
  toHaveStatus(this: MatcherState, received: unknown, status: SpanStatusName | number): MatcherResult {
    const span = spanOf(received, 'toHaveStatus');
    const pass = span.status.code === statusCodeOf(status);
    return result(
      this,
      pass,
      (not) =>
        `Expected ${span.name} ${not}to have status ${status}, got code ${span.status.code}${span.status.message ? ` (${span.status.message})` : ''}.`,
      treeAround(span),
    );
  },

  /** The span has an `exception` event (of this `exception.type`, if given). */
  toHaveRecordedException(this: MatcherState, received: unknown, type?: string): MatcherResult {
    const span = spanOf(received, 'toHaveRecordedException');
    const exceptions = span.events.filter((event) => event.name === 'exception');
    const pass = exceptions.some((event) => type === undefined || event.attributes?.['exception.type'] === type);
    const seen = exceptions.map((event) => String(event.attributes?.['exception.type'])).join(', ') || 'none';
    return result(
      this,
      pass,
      (not) =>
        `Expected ${span.name} ${not}to have recorded an exception${type ? ` of type ${type}` : ''}; recorded: ${seen}.`,
      treeAround(span),
    );
  },

  /** The span has a link to `target`. */
  toHaveLinkTo(this: MatcherState, received: unknown, target: ReadableSpan): MatcherResult {
    const span = spanOf(received, 'toHaveLinkTo');
    const pass = span.links.some(
      (link) => link.context.spanId === idOf(target) && link.context.traceId === target.spanContext().traceId,
    );
    return result(
      this,
      pass,
      (not) => `Expected ${span.name} ${not}to link to ${target.name}.`,
      treeAround(span, target),
    );
  },

  ...metricMatchers,
};
