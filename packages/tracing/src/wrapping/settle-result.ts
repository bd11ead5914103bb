import type { Context, Span } from '@opentelemetry/api';
import { types } from 'node:util';
import { isObservable } from 'rxjs';
import { endSpanWithError, endSpanWithSuccess } from './end-span.js';
import type { SpanSpec } from './span-spec.js';
import { traceObservable } from './trace-observable.js';

/**
 * Decide by the returned value (never by `AsyncFunction`) when the span ends:
 * - a native Promise (any realm, so also Node's own promises under jest): when it settles; the
 *   caller gets a promise of the same value or the same rejection object;
 * - an Observable: per subscription (see `traceObservable`), the call's span going to the first one;
 *   the method is remembered as Observable-returning, so later calls start spans at subscribe time;
 * - anything else, including lazy thenables such as query builders (never `.then`-ed): now.
 */
export function settleResult<T>(result: T, span: Span, spec: SpanSpec, spanContext: Context, args: unknown[]): T {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    endSpanWithSuccess(span, spec, result);
    return result;
  }
  if (types.isPromise(result)) {
    return result.then(
      (value) => {
        endSpanWithSuccess(span, spec, value);
        return value;
      },
      (error: unknown) => {
        endSpanWithError(span, spec, error);
        throw error;
      },
    ) as T;
  }
  if (isObservable(result)) {
    spec.observable = true;
    return traceObservable(result, spec, args, { span, context: spanContext }) as T;
  }
  endSpanWithSuccess(span, spec, result);
  return result;
}
