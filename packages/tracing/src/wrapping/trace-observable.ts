import { INVALID_SPAN_CONTEXT, context, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { applyResultAttributes, endSpanCancelled, endSpanWithError, endSpanWithSuccess } from './end-span.js';
import { runtime } from '../runtime/tracing-runtime.js';
import { startOperationMeasurement } from './operation-duration.js';
import type { SpanSpec } from './span-spec.js';
import { shouldSkipSpan, startOperationSpan } from './start-operation-span.js';

/** A span started at call time, handed to the first subscription. */
export interface AdoptedSpan {
  span: Span;
  context: Context;
}

/**
 * Trace an Observable per subscription: each subscription gets its own span, started in the
 * context active at subscribe time (the first may adopt the span started at call time), and the
 * source is subscribed with that span active. The span ends exactly once: on complete, on error,
 * or on unsubscribe before either (`operation.result=cancelled`). Emissions pass through unchanged.
 */
export function traceObservable<T>(
  source: Observable<T>,
  spec: SpanSpec,
  args: unknown[],
  adopted?: AdoptedSpan,
): Observable<T> {
  let pending = adopted;
  return new Observable<T>((subscriber) => {
    let span: Span;
    let spanContext: Context;
    if (pending) {
      ({ span, context: spanContext } = pending);
      pending = undefined;
    } else {
      const parent = context.active();
      if (!shouldSkipSpan(spec, parent)) {
        span = startOperationSpan(spec, parent, args);
        spanContext = trace.setSpan(parent, span);
      } else if (runtime.metrics && spec.metrics) {
        // no span (sampled-out parent), but metrics count it: a stand-in span, never active, carries the timing
        span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
        spanContext = parent;
      } else {
        return source.subscribe(subscriber);
      }
      if (runtime.metrics) startOperationMeasurement(spec, span);
    }
    let settled = false;
    const subscription = context.with(spanContext, () =>
      source.subscribe({
        next: (value) => {
          applyResultAttributes(span, spec, value);
          subscriber.next(value);
        },
        error: (error: unknown) => {
          if (!settled) {
            settled = true;
            endSpanWithError(span, spec, error);
          }
          subscriber.error(error);
        },
        complete: () => {
          if (!settled) {
            settled = true;
            endSpanWithSuccess(span);
          }
          subscriber.complete();
        },
      }),
    );
    return () => {
      subscription.unsubscribe();
      if (!settled) {
        settled = true;
        endSpanCancelled(span);
      }
    };
  });
}
