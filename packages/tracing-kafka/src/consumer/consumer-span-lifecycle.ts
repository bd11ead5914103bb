import { SpanKind, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span } from '@opentelemetry/api';
import {
  AttributeNames,
  OperationResult,
  PACKAGE_VERSION,
  getCorrelationId,
  libraryTracer,
} from '@huleedu/nest-tracing';
import { types } from 'node:util';
import { finalize, isObservable, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { processDuration } from '../messaging-metrics.js';
import { markFailure } from './mark-failure.js';

export const TRACER_NAME = '@huleedu/nest-tracing-kafka';

/** This package's tracer, looked up again only when the registered provider changes. */
export const kafkaTracer = libraryTracer(TRACER_NAME, PACKAGE_VERSION);

/**
 * Start a CONSUMER (or other) span under `parent` with `attributes` set once it records (one pass
 * through the SDK's attribute checks instead of three for start attributes), plus `operation.type`
 * and the parent's correlation id.
 */
export function startOwnSpan(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent: Context,
  links: Link[] | undefined,
  root: boolean,
  operationType: string,
): Span {
  const span = kafkaTracer().startSpan(name, { kind, links, root }, parent);
  if (span.isRecording()) {
    span.setAttributes(attributes);
    recordOwnSpanAttributes(span, operationType, getCorrelationId(parent));
  }
  return span;
}

/** What every span of this package ends its start with: `operation.type`, and the correlation id if any. */
export function recordOwnSpanAttributes(span: Span, operationType: string, correlationId: string | undefined): void {
  span.setAttribute(AttributeNames.OPERATION_TYPE, operationType);
  if (correlationId !== undefined) span.setAttribute(AttributeNames.CORRELATION_ID, correlationId);
}

function succeed(span: Span): void {
  if (span.isRecording()) span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.SUCCESS);
  span.end();
  processDuration.end(span);
}

/** How a span of this package records a failure: the consumer's `markFailure` unless told otherwise. */
export type FailureMarker = (span: Span, error: unknown) => void;

function endWithFailure(span: Span, error: unknown, mark: FailureMarker): void {
  mark(span, error);
  span.end();
  processDuration.endWithError(span, error, SpanKind.CONSUMER);
}

/**
 * Run `fn` with `span` active (on `parent`) and end the span exactly once when the result settles:
 * a value now, a Promise when it settles, an Observable when it completes, fails or is
 * unsubscribed (`operation.result=cancelled`). The caller gets the same value or error.
 */
export function runInOwnSpan<T>(span: Span, parent: Context, fn: () => T, mark: FailureMarker = markFailure): T {
  return runOwnSpanIn(span, trace.setSpan(parent, span), fn, mark);
}

/**
 * `runInOwnSpan` with the context `fn` runs in given: one that has `span` active, perhaps with more
 * set on it (instrumentation suppressed, for a send).
 */
export function runOwnSpanIn<T>(span: Span, active: Context, fn: () => T, mark: FailureMarker = markFailure): T {
  let result: T;
  try {
    result = context.with(active, fn);
  } catch (error) {
    endWithFailure(span, error, mark);
    throw error;
  }
  return settleOwnSpan(span, result, mark);
}

/** End `span` once `result` settles (now, or when its Promise or Observable does); `result`, or what stands for it. */
function settleOwnSpan<T>(span: Span, result: T, mark: FailureMarker): T {
  // a span that records nothing (head sampling dropped a new trace), with no duration to record:
  // ending it is a no-op, so the result is not followed (no `then`, no microtask)
  if (!processDuration.enabled && !span.isRecording()) return result;
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    succeed(span);
    return result;
  }
  if (types.isPromise(result)) {
    return result.then(
      (value) => {
        succeed(span);
        return value;
      },
      (error: unknown) => {
        endWithFailure(span, error, mark);
        throw error;
      },
    ) as T;
  }
  if (isObservable(result)) {
    let settled = false;
    return (result as Observable<unknown>).pipe(
      tap({
        complete: () => {
          settled = true;
          succeed(span);
        },
        error: (error: unknown) => {
          settled = true;
          endWithFailure(span, error, mark);
        },
      }),
      finalize(() => {
        if (settled) return;
        if (span.isRecording()) span.setAttribute(AttributeNames.OPERATION_RESULT, OperationResult.CANCELLED);
        span.end();
        processDuration.end(span);
      }),
    ) as T;
  }
  succeed(span);
  return result;
}
