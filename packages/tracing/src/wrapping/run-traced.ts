import { INVALID_SPAN_CONTEXT, context, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import { isObservable } from 'rxjs';
import { runtime } from '../runtime/tracing-runtime.js';
import { endSpanWithError } from './end-span.js';
import { startOperationMeasurement } from './operation-duration.js';
import { settleResult } from './settle-result.js';
import type { SpanSpec } from './span-spec.js';
import { shouldSkipSpan, startOperationSpan } from './start-operation-span.js';
import { traceObservable } from './trace-observable.js';

/** Calls `fn` on `thisArg`; passed to `context.with` so the context manager need not bind per call. */
const invoke = <T>(fn: (...args: any[]) => T, thisArg: unknown, args: unknown[]): T => fn.apply(thisArg, args);

/**
 * True for the span the API hands out when no SDK is registered: not recording, and carrying the
 * parent's span context (or the invalid one). Making it active would change nothing, so skip it.
 */
function isNoopSpan(span: Span, parent: Context): boolean {
  if (span.isRecording()) return false;
  const spanContext = span.spanContext();
  return spanContext === INVALID_SPAN_CONTEXT || spanContext === trace.getSpanContext(parent);
}

/**
 * A call that makes no span (its parent was sampled out) while metrics are on: timed all the same,
 * since metrics count every call whatever the sampling. A non-recording stand-in span carries the
 * measurement through the usual settling path; it is never made active, so the call runs in its
 * parent's context, as it would without metrics.
 */
function runMeasuredWithoutSpan<T>(spec: SpanSpec, thisArg: unknown, fn: (...args: any[]) => T, args: unknown[]): T {
  const parent = context.active();
  const standIn = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  startOperationMeasurement(spec, standIn);
  let result: T;
  try {
    result = fn.apply(thisArg, args);
  } catch (error) {
    endSpanWithError(standIn, spec, error);
    throw error;
  }
  return settleResult(result, standIn, spec, parent, args);
}

/**
 * The one per-call path behind `@Traced` and `traceOperation`: start a span under the active
 * context, run `fn` with it active, and end it exactly once whatever `fn` returns or throws. The
 * caller gets the same value or the same error object. With tracing off, or under a sampled-out
 * parent, `fn` runs directly and no span is made.
 */
export function runTraced<T>(spec: SpanSpec, thisArg: unknown, fn: (...args: any[]) => T, args: unknown[]): T {
  const parent = context.active();
  if (shouldSkipSpan(spec, parent)) {
    if (!runtime.metrics || !spec.metrics) return fn.apply(thisArg, args);
    // measured all the same; Observables per subscription, below
    if (!spec.observable) return runMeasuredWithoutSpan(spec, thisArg, fn, args);
  }
  if (spec.observable) {
    const result = fn.apply(thisArg, args);
    return isObservable(result) ? (traceObservable(result, spec, args) as T) : result;
  }
  const span = startOperationSpan(spec, parent, args);
  if (isNoopSpan(span, parent)) return fn.apply(thisArg, args);
  if (runtime.metrics) startOperationMeasurement(spec, span);
  const spanContext = trace.setSpan(parent, span);
  let result: T;
  try {
    result = context.with(spanContext, invoke<T>, undefined, fn, thisArg, args);
  } catch (error) {
    endSpanWithError(span, spec, error);
    throw error;
  }
  return settleResult(result, span, spec, spanContext, args);
}
