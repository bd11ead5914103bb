import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { getTestSpanStore } from '../span-store.js';
import { formatSpanTree } from '../span-tree.js';
import { TestSpans } from '../test-spans.js';

/** What jest passes as `this` to a matcher (the part these matchers use). */
export interface MatcherState {
  isNot?: boolean;
}

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** A collection matcher's subject: a `TestSpans` or an array of spans. */
export type SpanCollection = TestSpans | readonly ReadableSpan[];

export function spansOf(received: unknown, matcher: string): readonly ReadableSpan[] {
  if (received instanceof TestSpans) return received.all();
  if (Array.isArray(received)) return received as ReadableSpan[];
  throw new TypeError(`${matcher}: expected a TestSpans or an array of spans, got ${typeof received}.`);
}

export function spanOf(received: unknown, matcher: string): ReadableSpan {
  const candidate = received as ReadableSpan | undefined;
  if (!candidate || typeof candidate.spanContext !== 'function' || !('attributes' in candidate)) {
    throw new TypeError(
      `${matcher}: expected a finished span, got ${candidate === undefined ? 'undefined' : typeof candidate}.`,
    );
  }
  return candidate;
}

/** The tree of the traces `spans` belong to, from every finished span in the store. */
export function treeAround(...spans: ReadableSpan[]): string {
  const traceIds = new Set(spans.map((span) => span.spanContext().traceId));
  return formatSpanTree(getTestSpanStore().finished.filter((span) => traceIds.has(span.spanContext().traceId)));
}

export function result(
  state: MatcherState,
  pass: boolean,
  describe: (not: string) => string,
  tree: string,
): MatcherResult {
  return { pass, message: () => `${describe(state.isNot ? 'not ' : '')}\n\nSpans:\n${tree}` };
}
